package dev.javelin.ir.op;

import dev.javelin.ir.type.TensorType;
import java.util.List;

/** A placeholder fed at each run (a data batch); its node name is the feed name. */
public record Input(TensorType type) implements Op {
    /** Typed by its node. */
    public static final OpSchema<Input> SCHEMA =
            OpSchema.of(Input.class, "input").typedByNode(Input::type).make(a -> new Input(a.type()));

    public Input {
        if (type == null) {
            throw new IllegalArgumentException("input needs a type");
        }
    }

    @Override
    public String mnemonic() {
        return "input";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 0);
        return type;
    }
}
