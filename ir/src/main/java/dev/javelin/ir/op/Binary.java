package dev.javelin.ir.op;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.Arrays;
import java.util.List;

/** {@code fn(a, b)} elementwise with NumPy broadcasting; operands share a dtype. */
public record Binary(BinaryFn fn) implements Op {
    /** One mnemonic per function: {@code add}, {@code mul}, ... */
    public static final OpSchema<Binary> SCHEMA = OpSchema.family(
                    Binary.class,
                    Arrays.stream(BinaryFn.values()).map(BinaryFn::text).toList())
            .make(a -> new Binary(BinaryFn.fromText(a.mnemonic())));

    public Binary {
        if (fn == null) {
            throw new IllegalArgumentException("binary op needs a function");
        }
    }

    @Override
    public String mnemonic() {
        return fn.text();
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 2);
        Checks.sameDtype(in);
        DType d = in.get(0).dtype();
        switch (fn.domain()) {
            case NUMERIC -> Checks.numeric(in.get(0), fn.text());
            case FLOAT -> Checks.floating(in.get(0), fn.text());
            case LOGICAL -> {
                if (!d.isBool()) {
                    throw new OpTypeError(fn.text() + " needs bool operands, found " + d);
                }
            }
            case COMPARE -> {}
        }
        Shape s;
        try {
            s = Shape.broadcast(in.get(0).shape(), in.get(1).shape());
        } catch (IllegalArgumentException e) {
            throw new OpTypeError(e.getMessage());
        }
        return new TensorType(fn.isComparison() ? DType.BOOL : d, s);
    }
}
