package dev.javelin.dsl.nn;

import dev.javelin.dsl.F;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;
import dev.javelin.ir.type.Shape;

/** Layer normalization over the trailing {@code shape}, with learned scale (weight) and shift (bias). */
public final class LayerNorm extends Module {
    private final long[] shape;
    private final double eps;
    final Param weight;
    final Param bias;

    /**
     * A layer with {@code eps = 1e-5}.
     *
     * @param shape the trailing dims the input is normalized over, also the shape of weight and bias
     */
    public LayerNorm(long... shape) {
        this(1e-5, shape);
    }

    /**
     * A layer with its own {@code eps}.
     *
     * @param eps added to the variance before the square root
     * @param shape the trailing dims the input is normalized over, also the shape of weight and bias
     */
    public LayerNorm(double eps, long... shape) {
        this.shape = shape.clone();
        this.eps = eps;
        this.weight = Param.of(Initializer.ones(), shape);
        this.bias = Param.of(Initializer.zeros(), shape);
    }

    @Override
    public Tensor forward(Tensor x) {
        Shape want = Shape.of(shape);
        Shape have = x.shape().sub(x.rank() - shape.length, x.rank());
        if (x.rank() < shape.length || !have.equals(want)) {
            throw new IllegalArgumentException(
                    "LayerNorm" + want + " expects input ending in " + want + ", found " + x.type());
        }
        return F.layerNorm(x, shape.length, weight.on(x.net()), bias.on(x.net()), eps);
    }
}
