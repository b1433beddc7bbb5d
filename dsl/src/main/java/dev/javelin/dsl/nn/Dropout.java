package dev.javelin.dsl.nn;

import dev.javelin.dsl.F;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Tensor;

/** Inverted dropout with probability {@code p}; active only when the net is traced for training. */
public final class Dropout extends Module {
    private final double p;
    private final long seed;

    /**
     * A dropout layer with a fixed default seed; give each layer its own seed (the other constructor)
     * when a model has several.
     *
     * @param p the probability of zeroing an element, in {@code [0, 1)}
     */
    public Dropout(double p) {
        this(p, 0x5EEDL);
    }

    /**
     * With an explicit seed, so two dropout layers draw different masks.
     *
     * @param p the probability of zeroing an element, in {@code [0, 1)}
     * @param seed the seed of the mask's random stream
     * @throws IllegalArgumentException if {@code p} is outside {@code [0, 1)}
     */
    public Dropout(double p, long seed) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("Dropout probability must be in [0, 1), found " + p);
        }
        this.p = p;
        this.seed = seed;
    }

    @Override
    public Tensor forward(Tensor x) {
        return F.dropout(x, p, seed);
    }
}
