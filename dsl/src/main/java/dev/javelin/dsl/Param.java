package dev.javelin.dsl;

import dev.javelin.dsl.init.Initializer;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;

/**
 * A declared parameter: state the runtime keeps (on the device) across steps. A module declares
 * its parameters as fields; {@link Net#module} names them by their path ({@code encoder.fc1.weight})
 * and {@link #on} turns one into a tensor of the graph being traced. {@code trainable = false}
 * marks state that the optimizer leaves alone (batch-norm running statistics).
 */
public final class Param {
    private final TensorType type;
    private final Initializer init;
    private final boolean trainable;

    public Param(TensorType type, Initializer init, boolean trainable) {
        if (!type.shape().isStatic()) {
            throw new IllegalArgumentException("a parameter needs a static shape, found " + type);
        }
        this.type = type;
        this.init = init;
        this.trainable = trainable;
    }

    /** A trainable f32 parameter of the given shape. */
    public static Param of(Initializer init, long... shape) {
        return new Param(new TensorType(DType.F32, Shape.of(shape)), init, true);
    }

    /** Non-trainable f32 state (updated by the model itself, e.g. running statistics). */
    public static Param state(Initializer init, long... shape) {
        return new Param(new TensorType(DType.F32, Shape.of(shape)), init, false);
    }

    public TensorType type() {
        return type;
    }

    public Initializer init() {
        return init;
    }

    public boolean trainable() {
        return trainable;
    }

    /** This parameter as a tensor of {@code net}'s graph (one node per net, made on first use). */
    public Tensor on(Net net) {
        return net.parameter(this);
    }
}
