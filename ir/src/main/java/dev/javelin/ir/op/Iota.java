package dev.javelin.ir.op;

import dev.javelin.ir.type.TensorType;
import java.util.List;

/** A tensor of {@code type} whose every element is its own index along {@code axis}; no operands. */
public record Iota(TensorType type, int axis) implements Op {
    /** Typed by its node: the type is the node's. */
    public static final OpSchema<Iota> SCHEMA = OpSchema.of(Iota.class, "iota")
            .typedByNode(Iota::type)
            .attr("axis", OpSchema.Kind.INT, Iota::axis)
            .make(a -> new Iota(a.type(), a.integer("axis")));

    public Iota {
        if (type == null) {
            throw new IllegalArgumentException("iota needs a type");
        }
    }

    @Override
    public String mnemonic() {
        return "iota";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 0);
        Checks.numeric(type, "iota");
        Checks.axis(axis, type.rank(), "iota");
        return type;
    }
}
