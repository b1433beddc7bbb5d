package dev.javelin.ir.op;

import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reduces over {@code axes} (strictly increasing). With {@code keepDims} the reduced axes stay as
 * size 1. Reducing an empty axis gives the identity: 0 for sum, -inf for max, +inf for min.
 */
public record Reduce(ReduceFn fn, List<Integer> axes, boolean keepDims) implements Op {
    /** One mnemonic per function: {@code reduce_sum}, {@code reduce_max}, ... */
    public static final OpSchema<Reduce> SCHEMA = OpSchema.family(
                    Reduce.class,
                    Arrays.stream(ReduceFn.values())
                            .map(f -> "reduce_" + f.text())
                            .toList())
            .attr("axes", OpSchema.Kind.INTS, Reduce::axes)
            .attr("keep_dims", OpSchema.Kind.BOOL, Reduce::keepDims)
            .make(a -> new Reduce(
                    ReduceFn.fromText(a.mnemonic().substring("reduce_".length())),
                    a.ints("axes"),
                    a.bool("keep_dims")));

    public Reduce {
        if (fn == null) {
            throw new IllegalArgumentException("reduce needs a function");
        }
        axes = List.copyOf(axes);
    }

    @Override
    public String mnemonic() {
        return "reduce_" + fn.text();
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 1);
        TensorType x = in.get(0);
        Checks.numeric(x, mnemonic());
        int prev = -1;
        for (int a : axes) {
            Checks.axis(a, x.rank(), mnemonic());
            if (a <= prev) {
                throw new OpTypeError(mnemonic() + " axes must be strictly increasing, found " + axes);
            }
            prev = a;
        }
        List<Dim> out = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            if (!axes.contains(i)) {
                out.add(x.shape().dim(i));
            } else if (keepDims) {
                out.add(new Dim.Fixed(1));
            }
        }
        return x.withShape(new Shape(out));
    }
}
