package dev.javelin.ir.op;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * Index (i64) of the largest element along {@code axis}; the first one on ties; NaN counts as the
 * largest. The axis must not be empty.
 */
public record ArgMax(int axis, boolean keepDims) implements Op {
    public static final OpSchema<ArgMax> SCHEMA = OpSchema.of(ArgMax.class, "argmax")
            .attr("axis", OpSchema.Kind.INT, ArgMax::axis)
            .attr("keep_dims", OpSchema.Kind.BOOL, ArgMax::keepDims)
            .make(a -> new ArgMax(a.integer("axis"), a.bool("keep_dims")));

    @Override
    public String mnemonic() {
        return "argmax";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 1);
        TensorType x = in.get(0);
        Checks.numeric(x, "argmax");
        Checks.axis(axis, x.rank(), "argmax");
        Dim d = x.shape().dim(axis);
        if (d instanceof Dim.Fixed f && f.size() == 0) {
            throw new OpTypeError("argmax over an empty axis " + axis + " of " + x);
        }
        List<Dim> out = new ArrayList<>(x.shape().dims());
        if (keepDims) {
            out.set(axis, new Dim.Fixed(1));
        } else {
            out.remove(axis);
        }
        return new TensorType(DType.I64, new Shape(out));
    }
}
