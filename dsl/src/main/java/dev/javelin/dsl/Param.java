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

    /**
     * A parameter of any type; most code uses {@link #of} or {@link #state}.
     *
     * @param type the dtype and shape, which must be static
     * @param init how its initial value is drawn
     * @param trainable whether optimizers update it
     * @throws IllegalArgumentException if the shape has a symbolic dim
     */
    public Param(TensorType type, Initializer init, boolean trainable) {
        if (!type.shape().isStatic()) {
            throw new IllegalArgumentException("a parameter needs a static shape, found " + type);
        }
        this.type = type;
        this.init = init;
        this.trainable = trainable;
    }

    /**
     * A trainable f32 parameter of the given shape.
     *
     * @param init how its initial value is drawn
     * @param shape the dims
     * @return the parameter
     */
    public static Param of(Initializer init, long... shape) {
        return new Param(new TensorType(DType.F32, Shape.of(shape)), init, true);
    }

    /**
     * Non-trainable f32 state (updated by the model itself, e.g. running statistics).
     *
     * @param init how its initial value is drawn
     * @param shape the dims
     * @return the parameter, which optimizers leave alone
     */
    public static Param state(Initializer init, long... shape) {
        return new Param(new TensorType(DType.F32, Shape.of(shape)), init, false);
    }

    /**
     * The dtype and static shape.
     *
     * @return the type
     */
    public TensorType type() {
        return type;
    }

    /**
     * How the initial value is drawn.
     *
     * @return the initializer
     */
    public Initializer init() {
        return init;
    }

    /**
     * Whether optimizers update this parameter; false for state such as running statistics.
     *
     * @return true if trainable
     */
    public boolean trainable() {
        return trainable;
    }

    /**
     * This parameter as a tensor of {@code net}'s graph (one node per net, made on first use).
     *
     * @param net the net being traced; this parameter's module must be registered in it with {@link Net#module}
     * @return the parameter's tensor
     */
    public Tensor on(Net net) {
        return net.parameter(this);
    }
}
