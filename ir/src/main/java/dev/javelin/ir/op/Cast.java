package dev.javelin.ir.op;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * Converts to another dtype. Float to integer truncates toward zero and saturates at the target's
 * range, NaN giving 0 (Java's narrowing rules); integer to integer wraps; to bool is {@code x != 0}
 * (NaN is true); bool to a number is 0 or 1; to f16/bf16 rounds to nearest even on a backend (the
 * reference interpreter keeps float64 values).
 */
public record Cast(DType to) implements Op {
    public static final OpSchema<Cast> SCHEMA = OpSchema.of(Cast.class, "cast")
            .attr("to", OpSchema.Kind.DTYPE, Cast::to)
            .make(a -> new Cast(a.dtype("to")));

    public Cast {
        if (to == null) {
            throw new IllegalArgumentException("cast needs a target dtype");
        }
    }

    @Override
    public String mnemonic() {
        return "cast";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 1);
        return in.get(0).withDtype(to);
    }
}
