package dev.javelin.ir.op;

import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/** Joins one or more operands along {@code axis}; other axes must match, the joined axis be static. */
public record Concat(int axis) implements Op {
    public static final OpSchema<Concat> SCHEMA = OpSchema.of(Concat.class, "concat")
            .attr("axis", OpSchema.Kind.INT, Concat::axis)
            .make(a -> new Concat(a.integer("axis")));

    @Override
    public String mnemonic() {
        return "concat";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        if (in.isEmpty()) {
            throw new OpTypeError("concat needs at least one operand");
        }
        Checks.sameDtype(in);
        TensorType first = in.get(0);
        Checks.axis(axis, first.rank(), "concat");
        long total = 0;
        for (int k = 0; k < in.size(); k++) {
            TensorType t = in.get(k);
            if (t.rank() != first.rank()) {
                throw new OpTypeError("concat operands differ in rank: " + first + " vs " + t);
            }
            for (int i = 0; i < t.rank(); i++) {
                if (i != axis && !t.shape().dim(i).equals(first.shape().dim(i))) {
                    throw new OpTypeError("concat operands differ on axis " + i + ": " + first + " vs " + t);
                }
            }
            Dim d = t.shape().dim(axis);
            if (!d.isStatic()) {
                throw new OpTypeError("concat along symbolic axis " + axis + " (" + d + ") is not supported");
            }
            total += d.size();
        }
        return first.withShape(first.shape().with(axis, Dim.of(total)));
    }
}
