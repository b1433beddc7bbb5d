package dev.javelin.ir.op;

import dev.javelin.ir.type.TensorType;
import java.util.List;

/** A placeholder fed at each run (a data batch); its node name is the feed name. */
public record Input(TensorType type) implements Op {
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
