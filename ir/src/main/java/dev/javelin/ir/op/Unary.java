package dev.javelin.ir.op;

import dev.javelin.ir.type.TensorType;
import java.util.List;

/** {@code fn(x)} elementwise; same type as the operand. */
public record Unary(UnaryFn fn) implements Op {
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
