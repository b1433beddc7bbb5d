package dev.javelin.ir.kernel;

import java.util.Arrays;

/**
 * An affine function of a loop nest's variables, {@code c + sum_j coef[j] * v_j}: the element index
 * of a load or store, or the value of an iota. Every view (broadcast, permute, slice, most reshapes)
 * keeps indices affine, which is what lets the loops coalesce and vectorize.
 */
public final class Affine {
    final long c;
    private final long[] coef;

    public Affine(long c, long[] coef) {
        this.c = c;
        this.coef = coef.clone();
    }

    public static Affine constant(long c, int rank) {
        return new Affine(c, new long[rank]);
    }

    /** Loop variable {@code j} of a nest of {@code rank} loops. */
    public static Affine variable(int j, int rank) {
        long[] k = new long[rank];
        k[j] = 1;
        return new Affine(0, k);
    }

    public int rank() {
        return coef.length;
    }

    /** The constant term. */
    public long constant() {
        return c;
    }

    public long coef(int j) {
        return coef[j];
    }

    public Affine plus(Affine o) {
        long[] k = new long[coef.length];
        for (int j = 0; j < k.length; j++) {
            k[j] = coef[j] + o.coef[j];
        }
        return new Affine(c + o.c, k);
    }

    public Affine times(long s) {
        long[] k = new long[coef.length];
        for (int j = 0; j < k.length; j++) {
            k[j] = coef[j] * s;
        }
        return new Affine(c * s, k);
    }

    public Affine plus(long d) {
        return new Affine(c + d, coef);
    }

    /**
     * The same function over another nest whose loop {@code i} is old loop {@code keep[i]}: a
     * coalesced nest (keeping each merged group's innermost loop) or a reordered one.
     */
    public Affine project(int[] keep) {
        long[] k = new long[keep.length];
        for (int i = 0; i < keep.length; i++) {
            k[i] = coef[keep[i]];
        }
        return new Affine(c, k);
    }

    /** Java source of the value over loop variables {@code v0, v1, ...}, as an int. */
    public String text() {
        StringBuilder s = new StringBuilder();
        if (c != 0) {
            s.append(c);
        }
        for (int j = 0; j < coef.length; j++) {
            if (coef[j] == 0) {
                continue;
            }
            if (!s.isEmpty()) {
                s.append(" + ");
            }
            s.append(coef[j] == 1 ? "v" + j : coef[j] + " * v" + j);
        }
        return s.isEmpty() ? "0" : s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Affine a && a.c == c && Arrays.equals(a.coef, coef);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(c) * 31 + Arrays.hashCode(coef);
    }

    @Override
    public String toString() {
        return text();
    }
}
