package dev.javelin.ir.op;

import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/** Broadcasts the operand to {@code shape} by NumPy rules (aligned right; size-1 axes stretch). */
public record Broadcast(Shape shape) implements Op {
    public static final OpSchema<Broadcast> SCHEMA = OpSchema.of(Broadcast.class, "broadcast")
            .attr("shape", OpSchema.Kind.SHAPE, Broadcast::shape)
            .make(a -> new Broadcast(a.shape("shape")));

    public Broadcast {
        if (shape == null) {
            throw new IllegalArgumentException("broadcast needs a target shape");
        }
    }

    @Override
    public String mnemonic() {
        return "broadcast";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 1);
        TensorType x = in.get(0);
        if (!Shape.broadcastsTo(x.shape(), shape)) {
            throw new OpTypeError("shape " + x.shape() + " does not broadcast to " + shape);
        }
        return x.withShape(shape);
    }
}
