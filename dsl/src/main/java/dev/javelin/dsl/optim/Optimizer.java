package dev.javelin.dsl.optim;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;

/**
 * An optimizer as graph updates: for each trainable parameter, the nodes that compute its new
 * value (and its new optimizer state) from its gradient, ending in {@code assign}s, so a whole
 * training step is one graph. Optimizer state is non-trainable state named
 * {@code <optimizer>.<slot>.<parameter path>} (e.g. {@code adam.m.fc1.weight}), saved and loaded
 * with the parameters.
 */
public sealed interface Optimizer permits Sgd, Adam, Clipped {

    /**
     * The name used on the command line and in state names.
     *
     * @return the name, such as {@code adam}
     */
    String name();

    /**
     * Appends the update of one parameter. {@code lr} is the f32 learning-rate input (so schedules
     * need no recompile) and {@code t} the step number as f32, counted from 1.
     *
     * @param net the net of the training step
     * @param path the parameter's path
     * @param param the parameter's current value
     * @param grad the loss's gradient with respect to the parameter
     * @param lr the learning rate, a scalar
     * @param t the step number, a scalar
     */
    void update(Net net, String path, Tensor param, Tensor grad, Tensor lr, Tensor t);

    /**
     * Whether {@link #update} reads {@code t} (then the step count is kept as state, {@code <name>.t}).
     *
     * @return true if the optimizer needs the step count
     */
    default boolean usesStepCount() {
        return false;
    }

    /**
     * The largest global norm of the gradients a step uses: when the gradients of all trainable
     * parameters together have an L2 norm above it, each is scaled by {@code clipNorm / norm} before
     * the update (PyTorch's {@code clip_grad_norm_}). 0 for no clipping.
     *
     * @return the norm, or 0
     */
    default double clipNorm() {
        return 0;
    }

    /**
     * This optimizer with its gradients clipped to a global L2 norm of at most {@code maxNorm}.
     *
     * @param maxNorm the largest norm, {@code > 0}
     * @return the clipping optimizer, whose state is this one's
     * @throws IllegalArgumentException if {@code maxNorm} is not positive and finite
     */
    default Optimizer clipped(double maxNorm) {
        return new Clipped(this instanceof Clipped c ? c.base() : this, maxNorm);
    }

    /**
     * Optimizer state of the shape of {@code param}, zero-initialized.
     *
     * @param net the net of the training step
     * @param optimizer the optimizer's name, the first part of the state's name
     * @param slot the slot's name, such as {@code m}
     * @param path the parameter's path
     * @param param the parameter's tensor, whose shape the slot takes
     * @return the slot's current value
     */
    static Tensor slot(Net net, String optimizer, String slot, String path, Tensor param) {
        long[] shape = param.shape().sizes();
        return net.parameter(optimizer + "." + slot + "." + path, Param.state(Initializer.zeros(), shape));
    }

    /**
     * Plain stochastic gradient descent: no momentum, no weight decay.
     *
     * @return the optimizer
     */
    static Optimizer sgd() {
        return new Sgd(0, false, 0);
    }

    /**
     * SGD with momentum, optionally Nesterov's, and no weight decay.
     *
     * @param momentum the momentum, {@code > 0} with Nesterov
     * @param nesterov whether to use Nesterov momentum
     * @return the optimizer
     */
    static Optimizer momentum(double momentum, boolean nesterov) {
        return new Sgd(momentum, nesterov, 0);
    }

    /**
     * Adam with PyTorch's defaults: betas 0.9 and 0.999, eps 1e-8, no weight decay.
     *
     * @return the optimizer
     */
    static Optimizer adam() {
        return new Adam(0.9, 0.999, 1e-8, 0, false);
    }

    /**
     * AdamW with PyTorch's defaults (betas 0.9 and 0.999, eps 1e-8) and the given decoupled weight decay.
     *
     * @param weightDecay the weight decay, {@code >= 0}
     * @return the optimizer
     */
    static Optimizer adamW(double weightDecay) {
        return new Adam(0.9, 0.999, 1e-8, weightDecay, true);
    }

    /**
     * By command-line name: sgd, momentum (0.9), nesterov (0.9), adam, adamw (weight decay 0.01).
     *
     * @param name the name
     * @return the optimizer
     * @throws IllegalArgumentException if the name is none of those
     */
    static Optimizer named(String name) {
        return switch (name) {
            case "sgd" -> sgd();
            case "momentum" -> momentum(0.9, false);
            case "nesterov" -> momentum(0.9, true);
            case "adam" -> adam();
            case "adamw" -> adamW(0.01);
            default ->
                throw new IllegalArgumentException(
                        "unknown optimizer '" + name + "' (expected sgd, momentum, nesterov, adam or adamw)");
        };
    }
}
