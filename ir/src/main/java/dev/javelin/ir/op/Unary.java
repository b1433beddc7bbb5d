package dev.javelin.ir.op;

import dev.javelin.ir.type.TensorType;
import java.util.Arrays;
import java.util.List;

/** {@code fn(x)} elementwise; same type as the operand. */
public record Unary(UnaryFn fn) implements Op {
    /** One mnemonic per function: {@code neg}, {@code exp}, ... */
    public static final OpSchema<Unary> SCHEMA = OpSchema.family(
                    Unary.class,
                    Arrays.stream(UnaryFn.values()).map(UnaryFn::text).toList())
            .make(a -> new Unary(UnaryFn.fromText(a.mnemonic())));

    public Unary {
        if (fn == null) {
            throw new IllegalArgumentException("unary op needs a function");
        }
    }

    @Override
    public String mnemonic() {
        return fn.text();
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 1);
        TensorType x = in.get(0);
        switch (fn.domain()) {
            case FLOAT -> Checks.floating(x, fn.text());
            case NUMERIC -> Checks.numeric(x, fn.text());
            case BOOL -> {
                if (!x.dtype().isBool()) {
                    throw new OpTypeError(fn.text() + " needs a bool operand, found " + x.dtype());
                }
            }
        }
        return x;
    }
}
