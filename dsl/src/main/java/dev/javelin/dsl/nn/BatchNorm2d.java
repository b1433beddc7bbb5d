package dev.javelin.dsl.nn;

import dev.javelin.dsl.Module;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;

/**
 * Batch normalization over the channels of NCHW input. Traced for training it normalizes with the
 * batch's statistics and updates the running mean and variance (non-trainable state, assigned in
 * the same step, PyTorch's momentum convention and unbiased running variance); traced for
 * evaluation it uses the running statistics.
 */
public final class BatchNorm2d extends Module {
    private final long channels;
    private final double eps;
    private final double momentum;
    final Param weight;
    final Param bias;
    final Param runningMean;
    final Param runningVar;

    /**
     * A layer with PyTorch's defaults: {@code eps = 1e-5}, {@code momentum = 0.1}.
     *
     * @param channels the number of channels, C of the {@code [N, C, H, W]} input
     */
    public BatchNorm2d(long channels) {
        this(channels, 1e-5, 0.1);
    }

    /**
     * A layer with its own {@code eps} and {@code momentum}.
     *
     * @param channels the number of channels, C of the {@code [N, C, H, W]} input
     * @param eps added to the variance before the square root
     * @param momentum the weight of the batch's statistics in the running ones' update
     */
    public BatchNorm2d(long channels, double eps, double momentum) {
        this.channels = channels;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = Param.of(Initializer.ones(), channels);
        this.bias = Param.of(Initializer.zeros(), channels);
        this.runningMean = Param.state(Initializer.zeros(), channels);
        this.runningVar = Param.state(Initializer.ones(), channels);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.shape().dim(1).size() != channels) {
            throw new IllegalArgumentException(
                    "BatchNorm2d(" + channels + ") expects [N, " + channels + ", H, W] input, found " + x.type());
        }
        Net net = x.net();
        Tensor gamma = weight.on(net).reshape(1, -1, 1, 1);
        Tensor beta = bias.on(net).reshape(1, -1, 1, 1);
        Tensor mean;
        Tensor var;
        if (net.training()) {
            mean = x.mean(true, 0, 2, 3);
            Tensor centered = x.sub(mean);
            var = centered.mul(centered).mean(true, 0, 2, 3);
            Tensor n = x.count(0, 2, 3);
            Tensor unbiased = var.reshape(-1).mul(n.div(n.sub(1)));
            assign(
                    runningMean,
                    runningMean.on(net).mul(1 - momentum).add(mean.reshape(-1).mul(momentum)));
            assign(runningVar, runningVar.on(net).mul(1 - momentum).add(unbiased.mul(momentum)));
        } else {
            mean = runningMean.on(net).reshape(1, -1, 1, 1);
            var = runningVar.on(net).reshape(1, -1, 1, 1);
        }
        return x.sub(mean).mul(var.add(eps).rsqrt()).mul(gamma).add(beta);
    }

    private static void assign(Param p, Tensor value) {
        value.net().assign(p, value);
    }
}
