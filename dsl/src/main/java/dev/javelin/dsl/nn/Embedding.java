package dev.javelin.dsl.nn;

import dev.javelin.dsl.Module;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;

/** A lookup table {@code [count, dim]}: integer ids of any shape give vectors {@code [..., dim]}. N(0, 1) init. */
public final class Embedding extends Module {
    final Param weight;

    /**
     * A table with N(0, 1) initial values.
     *
     * @param count the number of ids, 0 to {@code count - 1}
     * @param dim the length of each vector
     */
    public Embedding(long count, long dim) {
        this(count, dim, Initializer.normal(0, 1));
    }

    /**
     * A table with its own initializer (GPT-2's N(0, 0.02), say).
     *
     * @param count the number of ids, 0 to {@code count - 1}
     * @param dim the length of each vector
     * @param init the table's initializer
     */
    public Embedding(long count, long dim, Initializer init) {
        this.weight = Param.of(init, count, dim);
    }

    /**
     * The table, {@code [count, dim]}: for a model whose output layer shares it (tied embeddings).
     *
     * @return the table's parameter
     */
    public Param weight() {
        return weight;
    }

    @Override
    public Tensor forward(Tensor ids) {
        if (!ids.dtype().isInteger()) {
            throw new IllegalArgumentException("Embedding expects integer ids, found " + ids.type());
        }
        return weight.on(ids.net()).gather(ids, 0);
    }
}
