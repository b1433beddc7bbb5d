package dev.javelin.ir.op;

import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * {@code gather(table, indices)} along {@code axis}, as NumPy's {@code take}: the result shape is
 * {@code table[:axis] + indices + table[axis+1:]}. An embedding lookup is a gather on axis 0. An
 * index outside {@code [0, size)} is an error at run time.
 */
public record Gather(int axis) implements Op {
    public static final OpSchema<Gather> SCHEMA = OpSchema.of(Gather.class, "gather")
            .attr("axis", OpSchema.Kind.INT, Gather::axis)
            .make(a -> new Gather(a.integer("axis")));

    @Override
    public String mnemonic() {
        return "gather";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 2);
        TensorType table = in.get(0);
        TensorType idx = in.get(1);
        Checks.axis(axis, table.rank(), "gather");
        Checks.integer(idx, "gather");
        return table.withShape(resultShape(table.shape(), idx.shape(), axis));
    }

    static Shape resultShape(Shape table, Shape indices, int axis) {
        return table.sub(0, axis).concat(indices).concat(table.sub(axis + 1, table.rank()));
    }
}
