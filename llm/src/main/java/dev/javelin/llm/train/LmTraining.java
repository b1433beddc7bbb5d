package dev.javelin.llm.train;

import dev.javelin.dsl.Loss;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.optim.Adam;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.llm.CausalLm;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A causal language model as a {@link TrainingModel}: inputs {@code input_ids} and {@code labels}
 * (i64 {@code [batch, seq]}, the labels each position's next token, as {@link TokenWindows} gives
 * them), the logits {@code [batch, seq, vocab]} as its prediction, and as its loss the mean
 * next-token cross-entropy over every position of every sequence ({@link Loss#crossEntropy}, through
 * log-softmax).
 *
 * @param name the model's name, such as {@code gpt2-tiny}
 * @param model the language model
 * @param seq the sequence length trained on, at most the model's positions
 */
public record LmTraining(String name, CausalLm model, int seq) implements TrainingModel {
    /** Token tables: matrices, but rows of them are looked up rather than multiplied, so not decayed. */
    private static final Set<String> EMBEDDINGS =
            Set.of("transformer.wte.weight", "transformer.wpe.weight", "model.embed_tokens.weight");

    /**
     * Checks the sequence length.
     *
     * @throws IllegalArgumentException if {@code seq} is not between 1 and the model's positions
     */
    public LmTraining {
        if (seq < 1 || seq > model.positions()) {
            throw new IllegalArgumentException("a model of " + model.positions() + " positions cannot train on"
                    + " sequences of " + seq + " tokens");
        }
    }

    @Override
    public Traced trace(Net net) {
        model.register(net);
        Tensor ids = net.input("input_ids", DType.I64, "batch", seq);
        Tensor labels = net.input("labels", DType.I64, "batch", seq);
        Tensor logits = model.head(model.hidden(ids));
        return new Traced(logits, Loss.crossEntropy(logits, labels));
    }

    @Override
    public String description() {
        return "causal language model, next-token cross-entropy over " + seq + " positions";
    }

    @Override
    public Defaults defaults() {
        return new Defaults("adamw", 3e-4, 8);
    }

    @Override
    public Map<String, NdArray> syntheticBatch(int batch, long seed) {
        Random r = new Random(seed);
        long[] ids = new long[batch * (seq + 1)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = r.nextInt(model.vocab());
        }
        long[] in = new long[batch * seq];
        long[] next = new long[batch * seq];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(ids, b * (seq + 1), in, b * seq, seq);
            System.arraycopy(ids, b * (seq + 1) + 1, next, b * seq, seq);
        }
        long[] shape = {batch, seq};
        return Map.of(
                "input_ids", NdArray.ofLongs(DType.I64, shape, in), "labels", NdArray.ofLongs(DType.I64, shape, next));
    }

    /**
     * The parameters weight decay applies to: the matrices (parameters of rank 2 or more: the
     * attention and MLP projections, an untied output layer) but the token and position embedding
     * tables; never biases or norm scales (rank 1).
     *
     * @return their paths, sorted
     */
    public Set<String> decayedParameters() {
        Net net = new Net("decay");
        model.register(net);
        model.head(model.hidden(net.input("input_ids", DType.I64, 1, 1)));
        Set<String> out = new TreeSet<>();
        net.usedParams().forEach((path, p) -> {
            if (p.trainable() && p.type().rank() >= 2 && !EMBEDDINGS.contains(path)) {
                out.add(path);
            }
        });
        return out;
    }

    /**
     * AdamW as language models train with it: PyTorch's betas 0.9 and 0.95 (GPT-2's and Llama's
     * recipes), eps 1e-8, decoupled weight decay on {@link #decayedParameters} only, and the
     * gradients clipped to a global norm of {@code clipNorm}.
     *
     * @param weightDecay the weight decay, {@code >= 0} (0.1 in those recipes)
     * @param clipNorm the largest global gradient norm, {@code > 0} (1.0 in those recipes)
     * @return the optimizer
     */
    public Optimizer adamW(double weightDecay, double clipNorm) {
        Set<String> decayed = decayedParameters();
        return new Adam(0.9, 0.95, 1e-8, weightDecay, true)
                .withDecayOnly(decayed::contains)
                .clipped(clipNorm);
    }
}
