package dev.javelin.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast pooling paths of {@link Windows}, one plane at a time, over the same geometry tables.
 * Each computes exactly what the general loops compute, bit for bit: max takes {@link Math#max}
 * (NaN wins), average adds the window row-major onto 0 and scales by {@code 1 / (KH * KW)}; the
 * gradient of max goes to the first position holding the window's maximum (NaN largest) and is
 * written as {@code 0 + dy}, as the general loops' zero-fill and add give.
 *
 * <p>{@code pair} paths take the 2x2 stride-2 unpadded windows of unit-stride rows with vectors:
 * two vectors of a row hold the even and odd columns of one vector of windows, split apart and put
 * back together with two-vector lane selections. The other paths are scalar loops with the padding
 * clipped out of the ranges.
 */
final class PoolKernels {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int V = S.length();

    private static final int N = 0, C = 1, H = 2, W = 3, OH = 4, OW = 5, KH = 6, KW = 7, SH = 8, SW = 9;
    private static final int TOP = 10, LEFT = 11, PX = 13, PY = 18, PO = 23;

    // Lane selections from two vectors (indices V.. pick the second): even and odd lanes of the pair,
    // and the interleaving of two vectors' low and high halves.
    private static final FloatVector EVEN = indices(i -> 2 * i);
    private static final FloatVector ODD = indices(i -> 2 * i + 1);
    private static final FloatVector LOW = indices(i -> i / 2 + (i % 2) * V);
    private static final FloatVector HIGH = indices(i -> V / 2 + i / 2 + (i % 2) * V);

    private PoolKernels() {}

    private static FloatVector indices(java.util.function.IntUnaryOperator lane) {
        float[] a = new float[V];
        for (int i = 0; i < V; i++) {
            a[i] = lane.applyAsInt(i);
        }
        return FloatVector.fromArray(S, a, 0);
    }

    /** Whether the 2x2 stride-2 vector paths apply: no padding, unit W strides, whole windows. */
    static boolean pair(int[] g, boolean backprop) {
        boolean unit = g[PX + 4] == 1 && g[PO + 4] == 1 && (!backprop || g[PY + 4] == 1);
        return unit
                && g[KH] == 2
                && g[KW] == 2
                && g[SH] == 2
                && g[SW] == 2
                && g[TOP] == 0
                && g[LEFT] == 0
                && 2 * g[OH] <= g[H]
                && 2 * g[OW] <= g[W];
    }

    /** Whether the scalar unit-stride paths apply (the backprop one also needs disjoint windows). */
    static boolean rows(int[] g, boolean backprop) {
        boolean unit = g[PX + 4] == 1 && g[PO + 4] == 1 && (!backprop || g[PY + 4] == 1);
        return unit && (!backprop || (g[SH] >= g[KH] && g[SW] >= g[KW]));
    }

    private static int base(int[] g, int at, int n, int c) {
        return g[at] + n * g[at + 1] + c * g[at + 2];
    }

    static void pairPool(float[] x, float[] y, int[] g, int n, int c, boolean max) {
        int xBase = base(g, PX, n, c), yBase = base(g, PO, n, c);
        int ow1 = g[OW], xsH = g[PX + 3], ysH = g[PO + 3];
        FloatVector zero = FloatVector.zero(S);
        float scale = 0.25f;
        int limit = spillLimit(yBase, g[OH], ysH, ow1);
        for (int oh = 0; oh < g[OH]; oh++) {
            int r0 = xBase + 2 * oh * xsH, r1 = r0 + xsH, yr = yBase + oh * ysH;
            for (int ow = 0; ow < ow1; ow += V) {
                VectorMask<Float> lo = S.indexInRange(2 * ow, 2 * ow1);
                VectorMask<Float> hi = S.indexInRange(2 * ow + V, 2 * ow1);
                FloatVector a0 = FloatVector.fromArray(S, x, r0 + 2 * ow, lo);
                FloatVector a1 = FloatVector.fromArray(S, x, r0 + 2 * ow + V, hi);
                FloatVector b0 = FloatVector.fromArray(S, x, r1 + 2 * ow, lo);
                FloatVector b1 = FloatVector.fromArray(S, x, r1 + 2 * ow + V, hi);
                FloatVector out;
                if (max) {
                    FloatVector m0 = a0.max(b0), m1 = a1.max(b1);
                    out = EVEN.selectFrom(m0, m1).max(ODD.selectFrom(m0, m1));
                } else {
                    out = zero.add(EVEN.selectFrom(a0, a1))
                            .add(ODD.selectFrom(a0, a1))
                            .add(EVEN.selectFrom(b0, b1))
                            .add(ODD.selectFrom(b0, b1))
                            .mul(scale);
                }
                if (yr + ow + V <= limit) {
                    out.intoArray(y, yr + ow); // the lanes past the row land on rows stored later
                } else {
                    out.intoArray(y, yr + ow, S.indexInRange(ow, ow1));
                }
            }
        }
    }

    /** Scratch floats {@link #pairGrad} needs for rows of {@code ow} windows. */
    static int pairScratch(int ow) {
        return 8 * Math.ceilDiv(ow, V) * V;
    }

    /**
     * The gradient of 2x2 stride-2 windows, row by row through {@code s} (at least {@link
     * #pairScratch} floats): the four corners of the windows are split out, the gradient for each
     * corner computed, and the corners interleaved back into dx. The steps are separate methods
     * that pass vectors through memory because one method doing it all is too big for the JIT
     * (its first tier gives up and the method never reaches the second).
     */
    static void pairGrad(float[] x, float[] dy, float[] dx, int[] g, int n, int c, boolean max, float[] s) {
        int xBase = base(g, PX, n, c), yBase = base(g, PY, n, c), dBase = base(g, PO, n, c);
        int ow1 = g[OW], xsH = g[PX + 3], ysH = g[PY + 3], dsH = g[PO + 3];
        int l = Math.ceilDiv(ow1, V) * V;
        int limit = spillLimit(dBase, g[H], dsH, g[W]);
        for (int oh = 0; oh < g[OH]; oh++) {
            int r0 = xBase + 2 * oh * xsH, yr = yBase + oh * ysH, d0 = dBase + 2 * oh * dsH;
            if (max) {
                split(x, r0, s, 0, l, ow1);
                split(x, r0 + xsH, s, 2 * l, l, ow1);
                for (int ow = 0; ow < ow1; ow += V) {
                    pick(s, l, ow, dy, yr + ow, ow1 - ow);
                }
                join(s, 4 * l, 5 * l, dx, d0, ow1, limit);
                join(s, 6 * l, 7 * l, dx, d0 + dsH, ow1, limit);
            } else {
                for (int ow = 0; ow < ow1; ow += V) {
                    FloatVector gy = FloatVector.fromArray(S, dy, yr + ow, S.indexInRange(ow, ow1));
                    gy.mul(0.25f).add(FloatVector.zero(S)).intoArray(s, 4 * l + ow);
                }
                join(s, 4 * l, 4 * l, dx, d0, ow1, limit);
                join(s, 4 * l, 4 * l, dx, d0 + dsH, ow1, limit);
            }
            zeroRange(dx, d0 + 2 * ow1, g[W] - 2 * ow1);
            zeroRange(dx, d0 + dsH + 2 * ow1, g[W] - 2 * ow1);
        }
        for (int ih = 2 * g[OH]; ih < g[H]; ih++) {
            zeroRange(dx, dBase + ih * dsH, g[W]);
        }
    }

    /** The even columns of the row at xi to {@code s[at ..]}, the odd ones to {@code s[at + l ..]}. */
    private static void split(float[] x, int xi, float[] s, int at, int l, int ow1) {
        for (int ow = 0; ow < ow1; ow += V) {
            FloatVector a0, a1;
            if (xi + 2 * ow + 2 * V <= x.length) { // lanes past the row are read, never used
                a0 = FloatVector.fromArray(S, x, xi + 2 * ow);
                a1 = FloatVector.fromArray(S, x, xi + 2 * ow + V);
            } else {
                a0 = FloatVector.fromArray(S, x, xi + 2 * ow, S.indexInRange(2 * ow, 2 * ow1));
                a1 = FloatVector.fromArray(S, x, xi + 2 * ow + V, S.indexInRange(2 * ow + V, 2 * ow1));
            }
            EVEN.selectFrom(a0, a1).intoArray(s, at + ow);
            ODD.selectFrom(a0, a1).intoArray(s, at + l + ow);
        }
    }

    /**
     * Sends one vector of windows' gradients to their winners: the window's maximum M (NaN if any
     * is NaN) is held first by the first corner equal to M (so +0 and -0 tie, as with the general
     * loop's {@code >}) or, when M is NaN, by the first NaN.
     */
    private static void pick(float[] s, int l, int ow, float[] dy, int yi, int count) {
        FloatVector a = FloatVector.fromArray(S, s, ow), b = FloatVector.fromArray(S, s, l + ow);
        FloatVector c = FloatVector.fromArray(S, s, 2 * l + ow), d = FloatVector.fromArray(S, s, 3 * l + ow);
        FloatVector m = a.max(b).max(c.max(d));
        VectorMask<Float> isA = a.compare(VectorOperators.EQ, m).or(a.compare(VectorOperators.NE, a));
        VectorMask<Float> isB = b.compare(VectorOperators.EQ, m).or(b.compare(VectorOperators.NE, b));
        VectorMask<Float> isC = c.compare(VectorOperators.EQ, m).or(c.compare(VectorOperators.NE, c));
        FloatVector zero = FloatVector.zero(S);
        FloatVector gy = yi + V <= dy.length
                ? FloatVector.fromArray(S, dy, yi)
                : FloatVector.fromArray(S, dy, yi, S.indexInRange(0, count));
        FloatVector v = gy.add(zero);
        zero.blend(v, isA).intoArray(s, 4 * l + ow);
        VectorMask<Float> taken = isA;
        zero.blend(v, isB.andNot(taken)).intoArray(s, 5 * l + ow);
        taken = taken.or(isB);
        zero.blend(v, isC.andNot(taken)).intoArray(s, 6 * l + ow);
        v.blend(zero, taken.or(isC)).intoArray(s, 7 * l + ow);
    }

    /**
     * Interleaves {@code s[even ..]} and {@code s[odd ..]} into the dx row at di. Whole vectors are
     * stored while they end by {@code limit}: the lanes past the row land on the plane's next rows,
     * which are written after this one (masked stores cost twice the time here).
     */
    private static void join(float[] s, int even, int odd, float[] dx, int di, int ow1, int limit) {
        for (int ow = 0; ow < ow1; ow += V) {
            FloatVector e = FloatVector.fromArray(S, s, even + ow), o = FloatVector.fromArray(S, s, odd + ow);
            FloatVector low = LOW.selectFrom(e, o), high = HIGH.selectFrom(e, o);
            int at = di + 2 * ow;
            if (at + 2 * V <= limit) {
                low.intoArray(dx, at);
                high.intoArray(dx, at + V);
            } else {
                low.intoArray(dx, at, S.indexInRange(2 * ow, 2 * ow1));
                high.intoArray(dx, at + V, S.indexInRange(2 * ow + V, 2 * ow1));
            }
        }
    }

    /**
     * Where whole-vector stores into a plane of {@code rows} rows of {@code width} must stop: the
     * plane's end when its rows are contiguous (so a store's overhang stays inside the plane, on
     * rows written later), else nowhere (every store masked).
     */
    private static int spillLimit(int base, int rows, int rowStride, int width) {
        return rowStride == width ? base + rows * width : Integer.MIN_VALUE;
    }

    private static void zeroRange(float[] a, int from, int count) {
        if (count > 0) {
            java.util.Arrays.fill(a, from, from + count, 0f);
        }
    }

    static void rowsMax(float[] x, float[] y, int[] g, int n, int c) {
        int height = g[H], width = g[W], kh = g[KH], kw = g[KW], sh = g[SH], sw = g[SW];
        int xsH = g[PX + 3], ysH = g[PO + 3];
        int xBase = base(g, PX, n, c), yBase = base(g, PO, n, c);
        for (int oh = 0; oh < g[OH]; oh++) {
            int h0 = oh * sh - g[TOP];
            int i0 = Math.max(0, h0), i1 = Math.min(height, h0 + kh);
            int yRow = yBase + oh * ysH;
            for (int ow = 0; ow < g[OW]; ow++) {
                int w0 = ow * sw - g[LEFT];
                int j0 = Math.max(0, w0), j1 = Math.min(width, w0 + kw);
                float acc = Float.NEGATIVE_INFINITY;
                for (int i = i0; i < i1; i++) {
                    int row = xBase + i * xsH;
                    for (int j = j0; j < j1; j++) {
                        acc = Math.max(acc, x[row + j]);
                    }
                }
                y[yRow + ow] = acc;
            }
        }
    }

    static void rowsAverage(float[] x, float[] y, int[] g, int n, int c) {
        int height = g[H], width = g[W], kh = g[KH], kw = g[KW], sh = g[SH], sw = g[SW];
        int xsH = g[PX + 3], ysH = g[PO + 3];
        int xBase = base(g, PX, n, c), yBase = base(g, PO, n, c);
        float scale = 1f / (kh * kw);
        for (int oh = 0; oh < g[OH]; oh++) {
            int h0 = oh * sh - g[TOP];
            int i0 = Math.max(0, h0), i1 = Math.min(height, h0 + kh);
            int yRow = yBase + oh * ysH;
            for (int ow = 0; ow < g[OW]; ow++) {
                int w0 = ow * sw - g[LEFT];
                int j0 = Math.max(0, w0), j1 = Math.min(width, w0 + kw);
                float acc = 0;
                for (int i = i0; i < i1; i++) {
                    int row = xBase + i * xsH;
                    for (int j = j0; j < j1; j++) {
                        acc += x[row + j];
                    }
                }
                y[yRow + ow] = acc * scale;
            }
        }
    }

    /**
     * The gradient for disjoint windows (stride at least the kernel): rows are cleared as the windows
     * reach them and each window's share is stored, not added, so there is no scatter-add and no
     * separate zero-fill pass over the plane.
     */
    static void rowsGrad(float[] x, float[] dy, float[] dx, int[] g, int n, int c, boolean max) {
        int height = g[H], width = g[W], kh = g[KH], kw = g[KW], sh = g[SH], sw = g[SW];
        int xsH = g[PX + 3], ysH = g[PY + 3], dsH = g[PO + 3];
        int xBase = base(g, PX, n, c), yBase = base(g, PY, n, c), dBase = base(g, PO, n, c);
        float scale = 1f / (kh * kw);
        int covered = 0; // rows below this one are written
        for (int oh = 0; oh < g[OH]; oh++) {
            int h0 = oh * sh - g[TOP];
            int i0 = Math.max(0, h0), i1 = Math.min(height, h0 + kh);
            for (int ih = covered; ih < Math.min(i0, height); ih++) {
                zeroRange(dx, dBase + ih * dsH, width);
            }
            covered = Math.max(covered, i1);
            for (int ih = i0; ih < i1; ih++) {
                zeroRange(dx, dBase + ih * dsH, width);
            }
            for (int ow = 0; ow < g[OW]; ow++) {
                int w0 = ow * sw - g[LEFT];
                int j0 = Math.max(0, w0), j1 = Math.min(width, w0 + kw);
                float gy = dy[yBase + oh * ysH + ow];
                if (!max) {
                    float share = 0f + gy * scale;
                    for (int i = i0; i < i1; i++) {
                        java.util.Arrays.fill(dx, dBase + i * dsH + j0, dBase + i * dsH + Math.max(j0, j1), share);
                    }
                    continue;
                }
                int best = -1;
                float bestV = 0;
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        float v = x[xBase + i * xsH + j];
                        if (best < 0 || v > bestV || (v != v && bestV == bestV)) {
                            best = dBase + i * dsH + j;
                            bestV = v;
                        }
                    }
                }
                if (best >= 0) {
                    dx[best] = 0f + gy;
                }
            }
        }
        for (int ih = covered; ih < height; ih++) {
            zeroRange(dx, dBase + ih * dsH, width);
        }
    }
}
