package dev.javelin.dsl.nn;

import dev.javelin.dsl.F;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;

/** {@code y = x @ weight + bias}, weight {@code [in, out]}; PyTorch's default initialization. */
public final class Linear extends Module {
    private final long in;
    private final long out;
    final Param weight;
    final Param bias;

    /**
     * A layer with a bias.
     *
     * @param in the input features, the input's last axis
     * @param out the output features
     */
    public Linear(long in, long out) {
        this(in, out, true);
    }

    /**
     * A layer with or without a bias.
     *
     * @param in the input features, the input's last axis
     * @param out the output features
     * @param bias whether the layer has a bias
     */
    public Linear(long in, long out, boolean bias) {
        this(in, out, bias ? Initializer.lecunUniform(in) : null, Initializer.lecunUniform(in));
    }

    /**
     * A layer with the given initializers ({@code biasInit} null for no bias).
     *
     * @param in the input features, the input's last axis
     * @param out the output features
     * @param biasInit the bias's initializer, or null for no bias
     * @param weightInit the weight's initializer
     */
    public Linear(long in, long out, Initializer biasInit, Initializer weightInit) {
        this.in = in;
        this.out = out;
        this.weight = Param.of(weightInit, in, out);
        this.bias = biasInit == null ? null : Param.of(biasInit, out);
    }

    @Override
    public Tensor forward(Tensor x) {
        long features = x.shape().dim(x.rank() - 1).size();
        if (features != in) {
            throw new IllegalArgumentException("Linear(" + in + ", " + out + ") expects " + in
                    + " input features, found " + x.type() + " (last axis " + features + ")");
        }
        return F.linear(x, weight.on(x.net()), bias == null ? null : bias.on(x.net()));
    }
}
