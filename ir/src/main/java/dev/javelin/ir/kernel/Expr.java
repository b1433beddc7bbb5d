package dev.javelin.ir.kernel;

import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The scalar expression a loop evaluates per element: the fused pointwise part of a kernel with
 * every view already turned into affine indices. Records, so equal subexpressions are equal and
 * the printers compute each once.
 */
public sealed interface Expr {
    public DType dtype();

    public List<Expr> operands();

    /** The same expression with every index and iota value rewritten. */
    public Expr mapAffine(UnaryOperator<Affine> f);

    public record Load(Ref ref, Affine index) implements Expr {
        @Override
        public DType dtype() {
            return ref.dtype();
        }

        @Override
        public List<Expr> operands() {
            return List.of();
        }

        @Override
        public Expr mapAffine(UnaryOperator<Affine> f) {
            return new Load(ref, f.apply(index));
        }
    }

    /** An iota's element: its index along one axis, which is affine in the loop variables. */
    public record Iota(DType dtype, Affine value) implements Expr {
        @Override
        public List<Expr> operands() {
            return List.of();
        }

        @Override
        public Expr mapAffine(UnaryOperator<Affine> f) {
            return new Iota(dtype, f.apply(value));
        }
    }

    /** Element {@code index} (C order) of a Philox draw: the runtime's copy of the reference recipe. */
    public record Random(dev.javelin.ir.op.Distribution distribution, long seed, Expr offset, Affine index, DType dtype)
            implements Expr {
        @Override
        public List<Expr> operands() {
            return List.of(offset);
        }

        @Override
        public Expr mapAffine(UnaryOperator<Affine> f) {
            return new Random(distribution, seed, offset.mapAffine(f), f.apply(index), dtype);
        }
    }

    public record Literal(DType dtype, double value) implements Expr {
        @Override
        public List<Expr> operands() {
            return List.of();
        }

        @Override
        public Expr mapAffine(UnaryOperator<Affine> f) {
            return this;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Literal l
                    && l.dtype == dtype
                    && Double.doubleToRawLongBits(l.value) == Double.doubleToRawLongBits(value);
        }

        @Override
        public int hashCode() {
            return dtype.hashCode() * 31 + Double.hashCode(value);
        }
    }

    public record Unary(UnaryFn fn, Expr x, DType dtype) implements Expr {
        @Override
        public List<Expr> operands() {
            return List.of(x);
        }

        @Override
        public Expr mapAffine(UnaryOperator<Affine> f) {
            return new Unary(fn, x.mapAffine(f), dtype);
        }
    }

    public record Binary(BinaryFn fn, Expr a, Expr b, DType dtype) implements Expr {
        @Override
        public List<Expr> operands() {
            return List.of(a, b);
        }

        @Override
        public Expr mapAffine(UnaryOperator<Affine> f) {
            return new Binary(fn, a.mapAffine(f), b.mapAffine(f), dtype);
        }
    }

    public record Select(Expr cond, Expr a, Expr b, DType dtype) implements Expr {
        @Override
        public List<Expr> operands() {
            return List.of(cond, a, b);
        }

        @Override
        public Expr mapAffine(UnaryOperator<Affine> f) {
            return new Select(cond.mapAffine(f), a.mapAffine(f), b.mapAffine(f), dtype);
        }
    }

    public record Cast(Expr x, DType dtype) implements Expr {
        @Override
        public List<Expr> operands() {
            return List.of(x);
        }

        @Override
        public Expr mapAffine(UnaryOperator<Affine> f) {
            return new Cast(x.mapAffine(f), dtype);
        }
    }
}
