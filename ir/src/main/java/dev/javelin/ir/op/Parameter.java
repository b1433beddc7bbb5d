package dev.javelin.ir.op;

import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * A variable: state the runtime keeps (on the device) across runs and updates only through {@link
 * Assign}. Its node name is its path, e.g. {@code encoder.fc1.weight}.
 */
public record Parameter(TensorType type) implements Op {
    /** Typed by its node. */
    public static final OpSchema<Parameter> SCHEMA = OpSchema.of(Parameter.class, "parameter")
            .typedByNode(Parameter::type)
            .make(a -> new Parameter(a.type()));

    public Parameter {
        if (type == null) {
            throw new IllegalArgumentException("parameter needs a type");
        }
    }

    @Override
    public String mnemonic() {
        return "parameter";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 0);
        return type;
    }
}
