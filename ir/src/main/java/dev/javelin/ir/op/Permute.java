package dev.javelin.ir.op;

import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.List;

/** Reorders axes: result axis {@code i} is operand axis {@code perm[i]}. */
public record Permute(List<Integer> perm) implements Op {
    public static final OpSchema<Permute> SCHEMA = OpSchema.of(Permute.class, "permute")
            .attr("perm", OpSchema.Kind.INTS, Permute::perm)
            .make(a -> new Permute(a.ints("perm")));

    public Permute {
        perm = List.copyOf(perm);
    }

    @Override
    public String mnemonic() {
        return "permute";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 1);
        TensorType x = in.get(0);
        if (perm.size() != x.rank()) {
            throw new OpTypeError("permute needs " + x.rank() + " axes for " + x + ", found " + perm);
        }
        boolean[] seen = new boolean[perm.size()];
        List<Dim> out = new ArrayList<>();
        for (int p : perm) {
            if (p < 0 || p >= perm.size() || seen[p]) {
                throw new OpTypeError(
                        "permute axes must be a permutation of 0.." + (perm.size() - 1) + ", found " + perm);
            }
            seen[p] = true;
            out.add(x.shape().dim(p));
        }
        return x.withShape(new Shape(out));
    }
}
