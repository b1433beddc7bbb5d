package dev.javelin.ir.op;

import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/** {@code select(cond, a, b)}: a where cond is true, else b; all three broadcast together. */
public record Select() implements Op {
    public static final OpSchema<Select> SCHEMA =
            OpSchema.of(Select.class, "select").make(a -> new Select());

    @Override
    public String mnemonic() {
        return "select";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 3);
        if (!in.get(0).dtype().isBool()) {
            throw new OpTypeError(
                    "select needs a bool condition, found " + in.get(0).dtype());
        }
        Checks.sameDtype(in.subList(1, 3));
        try {
            Shape s = Shape.broadcast(
                    Shape.broadcast(in.get(0).shape(), in.get(1).shape()),
                    in.get(2).shape());
            return new TensorType(in.get(1).dtype(), s);
        } catch (IllegalArgumentException e) {
            throw new OpTypeError(e.getMessage());
        }
    }
}
