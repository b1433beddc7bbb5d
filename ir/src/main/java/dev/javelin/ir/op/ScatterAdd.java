package dev.javelin.ir.op;

import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * {@code scatter_add(base, indices, updates)} along {@code axis}: a copy of {@code base} with each
 * slice of {@code updates} added at the position its index names; repeated indices accumulate. The
 * inverse of {@link Gather}, and its gradient: {@code updates} has gather's result shape.
 */
public record ScatterAdd(int axis) implements Op {
    public static final OpSchema<ScatterAdd> SCHEMA = OpSchema.of(ScatterAdd.class, "scatter_add")
            .attr("axis", OpSchema.Kind.INT, ScatterAdd::axis)
            .make(a -> new ScatterAdd(a.integer("axis")));

    @Override
    public String mnemonic() {
        return "scatter_add";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 3);
        TensorType base = in.get(0);
        TensorType idx = in.get(1);
        TensorType upd = in.get(2);
        Checks.axis(axis, base.rank(), "scatter_add");
        Checks.integer(idx, "scatter_add");
        Checks.numeric(base, "scatter_add");
        if (upd.dtype() != base.dtype()) {
            throw new OpTypeError("scatter_add updates dtype " + upd.dtype() + " differs from base " + base.dtype());
        }
        Shape want = Gather.resultShape(base.shape(), idx.shape(), axis);
        if (!upd.shape().equals(want)) {
            throw new OpTypeError("scatter_add updates must have shape " + want
                    + " (base[:axis] + indices + base[axis+1:]), found " + upd.shape());
        }
        return base;
    }
}
