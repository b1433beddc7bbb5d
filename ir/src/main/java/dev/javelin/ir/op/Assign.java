package dev.javelin.ir.op;

import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * {@code assign(param, value)}: after the run, the parameter holds {@code value}. Reads of the
 * parameter in the same run see the old value. The node's own value is {@code value}; assign nodes
 * are roots that passes never remove.
 */
public record Assign() implements Op {
    public static final OpSchema<Assign> SCHEMA =
            OpSchema.of(Assign.class, "assign").make(a -> new Assign());

    @Override
    public String mnemonic() {
        return "assign";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 2);
        if (!in.get(0).equals(in.get(1))) {
            throw new OpTypeError("assign value type " + in.get(1) + " differs from the parameter's " + in.get(0));
        }
        return in.get(1);
    }
}
