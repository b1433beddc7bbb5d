package dev.javelin.llm;

import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;
import dev.javelin.ir.value.NdArray;
import java.util.HashMap;
import java.util.Map;

/**
 * A tied output layer for generation: the token table {@code [vocab, dim]} copied transposed into a
 * state parameter {@value #PATH} ({@code [dim, vocab]}), so the one-row product of a decode step
 * streams it row by row; training and {@link CausalLm#logitsNet} keep reading the table itself.
 */
public final class TiedHead {
    /** The copy's parameter path. */
    public static final String PATH = "lm_head.t";

    private TiedHead() {}

    /**
     * The logits of {@code h} through the transposed copy, registered in {@code h}'s net.
     *
     * @param h f32 {@code [..., dim]}
     * @param dim the model width
     * @param vocab the vocabulary size
     * @return f32 {@code [..., vocab]}
     */
    public static Tensor logits(Tensor h, long dim, long vocab) {
        return h.matmul(h.net().parameter(PATH, Param.state(Initializer.zeros(), dim, vocab)));
    }

    /**
     * {@code weights} and the transposed copy of the table at {@code table}.
     *
     * @param weights the model's parameters
     * @param table the token table's path
     * @return the parameters with {@value #PATH} added
     */
    public static Map<String, NdArray> with(Map<String, NdArray> weights, String table) {
        Map<String, NdArray> all = new HashMap<>(weights);
        all.put(PATH, HfFolder.transpose(weights.get(table)));
        return all;
    }
}
