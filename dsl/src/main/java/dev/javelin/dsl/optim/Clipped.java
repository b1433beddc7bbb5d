package dev.javelin.dsl.optim;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;

/**
 * An optimizer whose step first clips the gradients to a global L2 norm ({@link #clipNorm}); the
 * training step does the clipping, since it needs every gradient at once, and the base optimizer
 * updates each parameter from its clipped gradient. State and name are the base's, so a checkpoint
 * loads with or without clipping.
 *
 * @param base the optimizer that updates the parameters
 * @param maxNorm the largest global norm of the gradients, {@code > 0}
 */
public record Clipped(Optimizer base, double maxNorm) implements Optimizer {
    /**
     * Checks the norm.
     *
     * @throws IllegalArgumentException if {@code base} is null or clipped itself, or {@code maxNorm} is
     *     not positive and finite
     */
    public Clipped {
        if (base == null || base instanceof Clipped) {
            throw new IllegalArgumentException(
                    "gradient clipping needs an optimizer that is not clipped, found " + base);
        }
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("gradient clipping needs a norm > 0, found " + maxNorm);
        }
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public double clipNorm() {
        return maxNorm;
    }

    @Override
    public boolean usesStepCount() {
        return base.usesStepCount();
    }

    @Override
    public void update(Net net, String path, Tensor param, Tensor grad, Tensor lr, Tensor t) {
        base.update(net, path, param, grad, lr, t);
    }
}
