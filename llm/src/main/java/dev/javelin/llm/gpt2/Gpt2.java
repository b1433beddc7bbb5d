package dev.javelin.llm.gpt2;

import dev.javelin.dsl.F;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;
import dev.javelin.dsl.nn.Embedding;
import dev.javelin.dsl.nn.LayerNorm;
import dev.javelin.dsl.nn.Linear;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.llm.CausalLm;
import dev.javelin.llm.KvCache;
import dev.javelin.llm.TiedHead;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * GPT-2 ({@code GPT2LMHeadModel}) in the DSL: token and learned position embeddings, pre-norm blocks
 * of causal multi-head self-attention and a GELU MLP, a final layer norm, and logits from the token
 * table itself (tied embeddings). Its parameters are named as Hugging Face names them ({@code
 * transformer.h.0.attn.c_attn.weight}), and its projections keep GPT-2's {@code Conv1D} layout
 * ({@code [in, out]}, the DSL's {@code Linear} layout), so a Hugging Face checkpoint loads as it is
 * ({@link Gpt2Checkpoint}).
 */
public final class Gpt2 extends Module implements CausalLm {
    private final Gpt2Config config;
    final Transformer transformer;

    /**
     * A model of this configuration, initialized as GPT-2 is (N(0, 0.02) weights, zero biases, unit
     * layer norms).
     *
     * @param config the sizes
     */
    public Gpt2(Gpt2Config config) {
        this.config = config;
        this.transformer = new Transformer(config);
    }

    /**
     * Its configuration.
     *
     * @return the sizes
     */
    public Gpt2Config config() {
        return config;
    }

    /**
     * The next-token logits of every position.
     *
     * @param ids token ids, integer {@code [batch, seq]} with a static {@code seq} of at most {@code
     *     positions}
     * @return logits, f32 {@code [batch, seq, vocab]}
     */
    @Override
    public Tensor forward(Tensor ids) {
        return head(hidden(ids));
    }

    @Override
    public Tensor hidden(Tensor ids) {
        return transformer.forward(ids);
    }

    @Override
    public Tensor hiddenCached(Tensor ids, KvCache cache) {
        return transformer.forwardCached(ids, cache);
    }

    /** Logits from the token table itself (GPT-2 ties them). */
    @Override
    public Tensor head(Tensor h) {
        return h.matmul(transformer.wte.weight().on(h.net()).transpose(0, 1));
    }

    @Override
    public Tensor generationHead(Tensor h) {
        return TiedHead.logits(h, config.dim(), config.vocab());
    }

    @Override
    public Map<String, NdArray> generationWeights(Map<String, NdArray> weights) {
        return TiedHead.with(weights, "transformer.wte.weight");
    }

    @Override
    public int vocab() {
        return config.vocab();
    }

    @Override
    public int positions() {
        return config.positions();
    }

    @Override
    public void register(Net net) {
        net.module(this);
    }

    /** The part Hugging Face calls {@code transformer}: embeddings, blocks, final norm. */
    static final class Transformer extends Module {
        final Embedding wte;
        final Embedding wpe;
        final List<Block> h = new ArrayList<>();
        final LayerNorm ln_f;
        private final Gpt2Config config;

        Transformer(Gpt2Config c) {
            this.config = c;
            this.wte = new Embedding(c.vocab(), c.dim(), Initializer.normal(0, 0.02));
            this.wpe = new Embedding(c.positions(), c.dim(), Initializer.normal(0, 0.02));
            for (int i = 0; i < c.layers(); i++) {
                h.add(new Block(c));
            }
            this.ln_f = new LayerNorm(c.eps(), c.dim());
        }

        @Override
        public Tensor forward(Tensor ids) {
            if (ids.rank() != 2
                    || !ids.dtype().isInteger()
                    || !ids.shape().dim(1).isStatic()) {
                throw new IllegalArgumentException(
                        "GPT-2 expects integer ids [batch, seq] with a fixed seq, found " + ids.type());
            }
            long seq = ids.shape().dim(1).size();
            if (seq < 1 || seq > config.positions()) {
                throw new IllegalArgumentException(
                        "GPT-2 with " + config.positions() + " positions cannot take a sequence of " + seq + " tokens");
            }
            Tensor x = wte.forward(ids).add(wpe.forward(positions(ids.net(), (int) seq)));
            Tensor mask = KvCache.causal(ids.net(), (int) seq, (int) seq);
            for (Block b : h) {
                x = b.forward(x, mask);
            }
            return ln_f.forward(x);
        }

        Tensor forwardCached(Tensor ids, KvCache cache) {
            int t = (int) ids.shape().dim(1).size();
            Tensor where = cache.start() != null ? cache.start() : positions(ids.net(), t);
            Tensor x = wte.forward(ids).add(wpe.forward(where));
            Tensor mask = cache.mask(t);
            for (int i = 0; i < h.size(); i++) {
                Block b = h.get(i);
                Tensor a = x.add(b.attn.forwardCached(b.ln_1.forward(x), mask, cache, i));
                x = a.add(b.mlp.forward(b.ln_2.forward(a)));
            }
            return ln_f.forward(x);
        }

        private static Tensor positions(Net net, int seq) {
            double[] positions = new double[seq];
            for (int i = 0; i < seq; i++) {
                positions[i] = i;
            }
            return net.constant(TensorType.of(DType.I64, seq), positions);
        }
    }

    /** One pre-norm block: {@code x + attn(ln_1(x))}, then {@code + mlp(ln_2(.))}. */
    static final class Block extends Module {
        final LayerNorm ln_1;
        final Attention attn;
        final LayerNorm ln_2;
        final Mlp mlp;

        Block(Gpt2Config c) {
            ln_1 = new LayerNorm(c.eps(), c.dim());
            attn = new Attention(c);
            ln_2 = new LayerNorm(c.eps(), c.dim());
            mlp = new Mlp(c);
        }

        /** The block on a whole sequence {@code [batch, seq, dim]}, causally masked. */
        @Override
        public Tensor forward(Tensor x) {
            int seq = (int) x.shape().dim(1).size();
            return forward(x, KvCache.causal(x.net(), seq, seq));
        }

        Tensor forward(Tensor x, Tensor mask) {
            Tensor h = x.add(attn.forward(ln_1.forward(x), mask));
            return h.add(mlp.forward(ln_2.forward(h)));
        }
    }

    /** Causal self-attention: one projection to q, k and v ({@code c_attn}), heads, {@code c_proj}. */
    static final class Attention extends Module {
        final Linear c_attn;
        final Linear c_proj;
        private final int dim;
        private final int heads;

        Attention(Gpt2Config c) {
            dim = c.dim();
            heads = c.heads();
            c_attn = conv1d(c.dim(), 3L * c.dim());
            c_proj = conv1d(c.dim(), c.dim());
        }

        /** Causal self-attention over a whole sequence {@code [batch, seq, dim]}. */
        @Override
        public Tensor forward(Tensor x) {
            int seq = (int) x.shape().dim(1).size();
            return forward(x, KvCache.causal(x.net(), seq, seq));
        }

        Tensor forward(Tensor x, Tensor mask) {
            return attend(x, mask, null, 0);
        }

        /** Attention of new tokens over the cache, which gets their keys and values first. */
        Tensor forwardCached(Tensor x, Tensor mask, KvCache cache, int layer) {
            return attend(x, mask, cache, layer);
        }

        private Tensor attend(Tensor x, Tensor mask, KvCache cache, int layer) {
            Dim batch = x.shape().dim(0);
            long seq = x.shape().dim(1).size();
            int hd = dim / heads;
            Tensor qkv = c_attn.forward(x);
            Tensor q = heads(qkv.slice(2, 0, dim, 1), batch, seq, hd);
            Tensor k = heads(qkv.slice(2, dim, 2L * dim, 1), batch, seq, hd);
            Tensor v = heads(qkv.slice(2, 2L * dim, 3L * dim, 1), batch, seq, hd);
            if (cache != null) {
                k = cache.write("k", layer, k);
                v = cache.write("v", layer, v);
            }
            Tensor scores = q.matmul(k.transpose(-1, -2)).div(Math.sqrt(hd)).add(mask);
            Tensor out = F.softmax(scores, -1).matmul(v); // [batch, heads, seq, hd]
            return c_proj.forward(out.permute(0, 2, 1, 3).reshape(batch, seq, (long) dim));
        }

        private Tensor heads(Tensor t, Dim batch, long seq, int hd) {
            return t.reshape(batch, seq, (long) heads, (long) hd).permute(0, 2, 1, 3);
        }
    }

    /** The MLP: {@code c_fc}, the activation, {@code c_proj}. */
    static final class Mlp extends Module {
        final Linear c_fc;
        final Linear c_proj;
        private final String activation;

        Mlp(Gpt2Config c) {
            c_fc = conv1d(c.dim(), c.inner());
            c_proj = conv1d(c.inner(), c.dim());
            activation = c.activation();
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = c_fc.forward(x);
            return c_proj.forward(activation.equals("gelu") ? F.gelu(h) : geluTanh(h));
        }
    }

    /** GPT-2's {@code Conv1D}: weight {@code [in, out]}, N(0, 0.02); bias zero. */
    private static Linear conv1d(long in, long out) {
        return new Linear(in, out, Initializer.zeros(), Initializer.normal(0, 0.02));
    }

    /** GELU's tanh approximation (GPT-2's {@code gelu_new}): {@code x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}. */
    static Tensor geluTanh(Tensor x) {
        Tensor inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
        return x.mul(inner.tanh().add(1)).mul(0.5);
    }
}
