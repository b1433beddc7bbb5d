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
        this.weight = Param.of(Initializer.normal(0, 1), count, dim);
    }

    @Override
    public Tensor forward(Tensor ids) {
        if (!ids.dtype().isInteger()) {
            throw new IllegalArgumentException("Embedding expects integer ids, found " + ids.type());
        }
        return weight.on(ids.net()).gather(ids, 0);
    }
}
