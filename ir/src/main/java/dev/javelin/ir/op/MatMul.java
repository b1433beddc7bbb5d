package dev.javelin.ir.op;

import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * Batched matrix product {@code [..., M, K] x [..., K, N] -> [..., M, N]}; leading batch axes
 * broadcast. {@code transposeA}/{@code transposeB} swap the last two axes of an operand first, so
 * transposes fold into the contraction instead of being materialized.
 */
public record MatMul(boolean transposeA, boolean transposeB) implements Op {
    public static final OpSchema<MatMul> SCHEMA = OpSchema.of(MatMul.class, "matmul")
            .attr("transpose_a", OpSchema.Kind.BOOL, MatMul::transposeA)
            .attr("transpose_b", OpSchema.Kind.BOOL, MatMul::transposeB)
            .make(a -> new MatMul(a.bool("transpose_a"), a.bool("transpose_b")));

    @Override
    public String mnemonic() {
        return "matmul";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 2);
        Checks.sameDtype(in);
        TensorType a = in.get(0);
        TensorType b = in.get(1);
        Checks.numeric(a, "matmul");
        if (a.rank() < 2 || b.rank() < 2) {
            throw new OpTypeError(
                    "matmul needs operands of rank >= 2 (reshape vectors to matrices), found " + a + " and " + b);
        }
        Dim m = a.shape().dim(a.rank() - (transposeA ? 1 : 2));
        Dim ka = a.shape().dim(a.rank() - (transposeA ? 2 : 1));
        Dim kb = b.shape().dim(b.rank() - (transposeB ? 1 : 2));
        Dim n = b.shape().dim(b.rank() - (transposeB ? 2 : 1));
        if (!ka.equals(kb)) {
            throw new OpTypeError("matmul contraction dimensions differ: " + ka + " vs " + kb + " (" + a
                    + (transposeA ? "ᵀ" : "") + " x " + b + (transposeB ? "ᵀ" : "") + ")");
        }
        Shape batch;
        try {
            batch = Shape.broadcast(a.shape().sub(0, a.rank() - 2), b.shape().sub(0, b.rank() - 2));
        } catch (IllegalArgumentException e) {
            throw new OpTypeError("matmul batch axes: " + e.getMessage());
        }
        return a.withShape(batch.concat(new Shape(List.of(m, n))));
    }
}
