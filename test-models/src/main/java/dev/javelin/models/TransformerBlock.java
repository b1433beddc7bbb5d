package dev.javelin.models;

import dev.javelin.dsl.F;
import dev.javelin.dsl.Loss;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.nn.LayerNorm;
import dev.javelin.dsl.nn.Linear;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.Map;

/**
 * A pre-norm transformer block on {@code [batch, seq, dim]}: {@code h = x + attn(ln1(x))}, {@code
 * out = h + mlp(ln2(h))}, with multi-head softmax self-attention and a GELU MLP of width 4·dim.
 * Trained to regress a target {@code y} of the same shape (mean squared error).
 */
public final class TransformerBlock implements TrainingModel {
    public static final int SEQ = 8;
    public static final int DIM = 32;
    public static final int HEADS = 4;

    public static final class Block extends Module {
        final LayerNorm ln1 = new LayerNorm(DIM);
        final Linear q = new Linear(DIM, DIM);
        final Linear k = new Linear(DIM, DIM);
        final Linear v = new Linear(DIM, DIM);
        final Linear proj = new Linear(DIM, DIM);
        final LayerNorm ln2 = new LayerNorm(DIM);
        final Linear up = new Linear(DIM, 4 * DIM);
        final Linear down = new Linear(4 * DIM, DIM);

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = x.add(attention(ln1.forward(x)));
            return h.add(down.forward(F.gelu(up.forward(ln2.forward(h)))));
        }

        private Tensor attention(Tensor x) {
            int hd = DIM / HEADS;
            Tensor qh = heads(q.forward(x), hd);
            Tensor kh = heads(k.forward(x), hd);
            Tensor vh = heads(v.forward(x), hd);
            Tensor scores = qh.matmul(kh.transpose(-1, -2)).div(Math.sqrt(hd));
            Tensor out = F.softmax(scores, -1).matmul(vh); // [batch, heads, seq, hd]
            return proj.forward(out.permute(0, 2, 1, 3).reshape("batch", SEQ, DIM));
        }

        private static Tensor heads(Tensor t, int hd) {
            return t.reshape("batch", SEQ, HEADS, hd).permute(0, 2, 1, 3);
        }
    }

    private final Block block = new Block();

    @Override
    public String name() {
        return "transformer-block";
    }

    @Override
    public String description() {
        return "one transformer block (4-head attention + MLP, layer norms), dim 32, sequence 8";
    }

    @Override
    public Defaults defaults() {
        return new Defaults("adam", 1e-3, 64);
    }

    @Override
    public Traced trace(Net net) {
        net.module(block);
        Tensor x = net.input("x", DType.F32, "batch", SEQ, DIM);
        Tensor y = net.input("y", DType.F32, "batch", SEQ, DIM);
        Tensor out = block.forward(x);
        return new Traced(out, Loss.squaredError(out, y, Loss.Reduction.MEAN));
    }

    @Override
    public Map<String, NdArray> syntheticBatch(int batch, long seed) {
        return Map.of("x", Synthetic.normal(seed, 1, batch, SEQ, DIM), "y", Synthetic.normal(seed, 2, batch, SEQ, DIM));
    }
}
