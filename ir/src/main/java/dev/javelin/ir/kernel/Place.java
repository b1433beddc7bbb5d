package dev.javelin.ir.kernel;

import java.util.Arrays;
import java.util.Optional;

/**
 * A stored tensor as a strided view: element {@code idx} is at {@code base + sum_d strides[d] *
 * idx[d]} of {@code ref}. Views of a stored tensor are places too, without copying (a reshape only
 * where the strides allow, as NumPy's no-copy reshape).
 */
public record Place(Ref ref, long base, long[] shape, long[] strides) {
    /** A dense row-major tensor at {@code base}. */
    public static Place dense(Ref ref, long base, long[] shape) {
        return new Place(ref, base, shape.clone(), rowMajor(shape));
    }

    public static long[] rowMajor(long[] shape) {
        long[] s = new long[shape.length];
        long step = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = step;
            step *= shape[d];
        }
        return s;
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public boolean isDense() {
        long[] dense = rowMajor(shape);
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] != 1 && strides[d] != dense[d]) {
                return false;
            }
        }
        return true;
    }

    /** The element at a multi-index given as affine functions of the loop variables. */
    public Expr at(Affine[] idx, int rank) {
        return new Expr.Load(ref, index(idx, rank));
    }

    /** The element index at a multi-index, as an affine function (for stores). */
    public Affine index(Affine[] idx, int rank) {
        Affine a = Affine.constant(base, rank);
        for (int d = 0; d < shape.length; d++) {
            a = a.plus(idx[d].times(strides[d]));
        }
        return a;
    }

    public Place broadcast(long[] to) {
        long[] s = new long[to.length];
        int lead = to.length - shape.length;
        for (int d = 0; d < shape.length; d++) {
            s[lead + d] = shape[d] == 1 ? 0 : strides[d];
        }
        return new Place(ref, base, to.clone(), s);
    }

    public Place permute(int[] perm) {
        long[] sh = new long[perm.length];
        long[] st = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            sh[i] = shape[perm[i]];
            st[i] = strides[perm[i]];
        }
        return new Place(ref, base, sh, st);
    }

    public Place slice(long[] start, long[] step, long[] to) {
        long b = base;
        long[] st = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            b += start[d] * strides[d];
            st[d] = strides[d] * step[d];
        }
        return new Place(ref, b, to.clone(), st);
    }

    /** The view with another shape of the same elements in row-major order, if strides allow it. */
    public Optional<Place> reshape(long[] to) {
        if (isDense()) {
            return Optional.of(dense(ref, base, to));
        }
        long[] oldShape = Arrays.stream(shape).filter(d -> d != 1).toArray();
        long[] oldStrides = new long[oldShape.length];
        for (int d = 0, k = 0; d < shape.length; d++) {
            if (shape[d] != 1) {
                oldStrides[k++] = strides[d];
            }
        }
        long[] st = new long[to.length];
        int oi = 0;
        int ni = 0;
        while (ni < to.length && oi < oldShape.length) {
            if (to[ni] == 1) {
                ni++;
                continue;
            }
            int oj = oi + 1;
            int nj = ni + 1;
            long op = oldShape[oi];
            long np = to[ni];
            while (op != np) {
                if (np < op) {
                    np *= to[nj++];
                } else {
                    op *= oldShape[oj++];
                }
            }
            for (int k = oi; k < oj - 1; k++) {
                if (oldStrides[k] != oldStrides[k + 1] * oldShape[k + 1]) {
                    return Optional.empty();
                }
            }
            st[nj - 1] = oldStrides[oj - 1];
            for (int k = nj - 1; k > ni; k--) {
                st[k - 1] = st[k] * to[k];
            }
            ni = nj;
            oi = oj;
        }
        return Optional.of(new Place(ref, base, to.clone(), st));
    }
}
