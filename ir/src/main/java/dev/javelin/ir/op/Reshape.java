package dev.javelin.ir.op;

import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * The same elements in C order under a new shape. The element count must match for every binding
 * of the symbolic dimensions (same static product, same symbols).
 */
public record Reshape(Shape shape) implements Op {
    public static final OpSchema<Reshape> SCHEMA = OpSchema.of(Reshape.class, "reshape")
            .attr("shape", OpSchema.Kind.SHAPE, Reshape::shape)
            .make(a -> new Reshape(a.shape("shape")));

    public Reshape {
        if (shape == null) {
            throw new IllegalArgumentException("reshape needs a target shape");
        }
    }

    @Override
    public String mnemonic() {
        return "reshape";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 1);
        TensorType x = in.get(0);
        if (!x.shape().sameElementCount(shape)) {
            throw new OpTypeError("reshape cannot change the number of elements: " + x.shape() + " has "
                    + count(x.shape()) + ", " + shape + " has " + count(shape));
        }
        return x.withShape(shape);
    }

    private static String count(Shape s) {
        StringBuilder b = new StringBuilder(Long.toString(s.staticProduct()));
        s.symbolCounts().entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey())
                .forEach(e -> b.append("*").append(e.getKey()).append(e.getValue() > 1 ? "^" + e.getValue() : ""));
        return b.toString();
    }
}
