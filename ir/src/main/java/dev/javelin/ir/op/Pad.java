package dev.javelin.ir.op;

import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/** Pads each axis with {@code low[i]} elements before and {@code high[i]} after, filled with {@code value}. */
public record Pad(List<Long> low, List<Long> high, double value) implements Op {
    public static final OpSchema<Pad> SCHEMA = OpSchema.of(Pad.class, "pad")
            .attr("low", OpSchema.Kind.LONGS, Pad::low)
            .attr("high", OpSchema.Kind.LONGS, Pad::high)
            .attr("value", OpSchema.Kind.NUMBER, Pad::value)
            .make(a -> new Pad(a.longs("low"), a.longs("high"), a.number("value")));

    public Pad {
        low = List.copyOf(low);
        high = List.copyOf(high);
    }

    @Override
    public String mnemonic() {
        return "pad";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 1);
        TensorType x = in.get(0);
        if (low.size() != x.rank() || high.size() != x.rank()) {
            throw new OpTypeError("pad needs low and high amounts for each of the " + x.rank() + " axes of " + x
                    + ", found low=" + low + " high=" + high);
        }
        Checks.nonNegative(low, "pad amounts");
        Checks.nonNegative(high, "pad amounts");
        var shape = x.shape();
        for (int i = 0; i < x.rank(); i++) {
            long extra = low.get(i) + high.get(i);
            Dim d = x.shape().dim(i);
            if (extra == 0) {
                continue;
            }
            if (!d.isStatic()) {
                throw new OpTypeError("pad along symbolic axis " + i + " (" + d + ") of " + x + " is not supported");
            }
            shape = shape.with(i, Dim.of(d.size() + extra));
        }
        return x.withShape(shape);
    }
}
