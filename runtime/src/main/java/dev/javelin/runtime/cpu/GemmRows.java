package dev.javelin.runtime.cpu;

import static dev.javelin.runtime.cpu.GemmKernel.SPECIES;
import static dev.javelin.runtime.cpu.GemmKernel.VL;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The path of {@link Gemm} for one or two rows of A with row-major B (a matrix-vector product, as in
 * inference on one sample). There B is read once per row and used once, so packing it would only
 * add traffic, and a register tile of several rows would compute mostly padding. Instead each row of
 * C is built as a sequence of axpy updates {@code c[j] = fma(a[p], b[p][j], c[j])} that stream the
 * rows of B in order, {@link #GROUP} at a time so the row of C is loaded and stored once per group.
 *
 * <p>Each element of C is still one FMA chain over p in order starting from zero, the same values
 * as {@link GemmKernel} computes, bit for bit.
 */
final class GemmRows {
    /** Rows of B applied per pass over the row of C. */
    static final int GROUP = 4;

    private GemmRows() {}

    /**
     * C row at {@code ci} (columns {@code [j0, j1)}) = A row at {@code ai} (stride {@code aCol}, length
     * {@code k}) times B (row-major: element (p, j) at {@code bOff + p*bRow + j}).
     */
    static void row(
            int k, float[] a, int ai, int aCol, float[] b, int bOff, int bRow, float[] c, int ci, int j0, int j1) {
        if (VL >= 16) {
            // AVX-512 has 32 vector registers: sixteen columns of C in registers read 1 KiB runs of B's
            // rows instead of 512-byte ones, which the hardware prefetcher follows far better (a
            // 784 x 256 half of mnist-mlp's first layer, one thread: 11.7 -> 8.3 us).
            for (; j0 + 16 * VL <= j1; j0 += 16 * VL) {
                wide16(k, a, ai, aCol, b, bOff + j0, bRow, c, ci + j0);
            }
        }
        for (; j0 + 8 * VL <= j1; j0 += 8 * VL) {
            wide(k, a, ai, aCol, b, bOff + j0, bRow, c, ci + j0);
        }
        if (j0 == j1) {
            return;
        }
        Arrays.fill(c, ci + j0, ci + j1, 0f);
        int p = 0;
        for (; p + GROUP <= k; p += GROUP) {
            int bp = bOff + p * bRow;
            int ap = ai + p * aCol;
            group(a[ap], a[ap + aCol], a[ap + 2 * aCol], a[ap + 3 * aCol], b, bp, bRow, c, ci, j0, j1);
        }
        for (; p < k; p++) {
            single(a[ai + p * aCol], b, bOff + p * bRow, c, ci, j0, j1);
        }
    }

    /**
     * Eight vectors of C kept in registers over all of k: each step loads one contiguous piece of a
     * row of B and nothing of C (the same FMA chains as the grouped updates, in the same order).
     */
    private static void wide(int k, float[] a, int ai, int aCol, float[] b, int bj, int bRow, float[] c, int cj) {
        FloatVector y0 = FloatVector.zero(SPECIES);
        FloatVector y1 = y0, y2 = y0, y3 = y0, y4 = y0, y5 = y0, y6 = y0, y7 = y0;
        for (int p = 0; p < k; p++) {
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai + p * aCol]);
            int bp = bj + p * bRow;
            y0 = x.fma(FloatVector.fromArray(SPECIES, b, bp), y0);
            y1 = x.fma(FloatVector.fromArray(SPECIES, b, bp + VL), y1);
            y2 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 2 * VL), y2);
            y3 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 3 * VL), y3);
            y4 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 4 * VL), y4);
            y5 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 5 * VL), y5);
            y6 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 6 * VL), y6);
            y7 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 7 * VL), y7);
        }
        y0.intoArray(c, cj);
        y1.intoArray(c, cj + VL);
        y2.intoArray(c, cj + 2 * VL);
        y3.intoArray(c, cj + 3 * VL);
        y4.intoArray(c, cj + 4 * VL);
        y5.intoArray(c, cj + 5 * VL);
        y6.intoArray(c, cj + 6 * VL);
        y7.intoArray(c, cj + 7 * VL);
    }

    /** {@link #wide} with sixteen vectors of C (AVX-512 only: AVX2's sixteen registers would spill). */
    private static void wide16(int k, float[] a, int ai, int aCol, float[] b, int bj, int bRow, float[] c, int cj) {
        FloatVector y0 = FloatVector.zero(SPECIES);
        FloatVector y1 = y0, y2 = y0, y3 = y0, y4 = y0, y5 = y0, y6 = y0, y7 = y0;
        FloatVector y8 = y0, y9 = y0, y10 = y0, y11 = y0, y12 = y0, y13 = y0, y14 = y0, y15 = y0;
        for (int p = 0; p < k; p++) {
            FloatVector x = FloatVector.broadcast(SPECIES, a[ai + p * aCol]);
            int bp = bj + p * bRow;
            y0 = x.fma(FloatVector.fromArray(SPECIES, b, bp), y0);
            y1 = x.fma(FloatVector.fromArray(SPECIES, b, bp + VL), y1);
            y2 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 2 * VL), y2);
            y3 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 3 * VL), y3);
            y4 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 4 * VL), y4);
            y5 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 5 * VL), y5);
            y6 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 6 * VL), y6);
            y7 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 7 * VL), y7);
            y8 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 8 * VL), y8);
            y9 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 9 * VL), y9);
            y10 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 10 * VL), y10);
            y11 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 11 * VL), y11);
            y12 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 12 * VL), y12);
            y13 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 13 * VL), y13);
            y14 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 14 * VL), y14);
            y15 = x.fma(FloatVector.fromArray(SPECIES, b, bp + 15 * VL), y15);
        }
        y0.intoArray(c, cj);
        y1.intoArray(c, cj + 1 * VL);
        y2.intoArray(c, cj + 2 * VL);
        y3.intoArray(c, cj + 3 * VL);
        y4.intoArray(c, cj + 4 * VL);
        y5.intoArray(c, cj + 5 * VL);
        y6.intoArray(c, cj + 6 * VL);
        y7.intoArray(c, cj + 7 * VL);
        y8.intoArray(c, cj + 8 * VL);
        y9.intoArray(c, cj + 9 * VL);
        y10.intoArray(c, cj + 10 * VL);
        y11.intoArray(c, cj + 11 * VL);
        y12.intoArray(c, cj + 12 * VL);
        y13.intoArray(c, cj + 13 * VL);
        y14.intoArray(c, cj + 14 * VL);
        y15.intoArray(c, cj + 15 * VL);
    }

    /** Four consecutive rows of B (from {@code bp}, {@code bRow} apart) scaled by x0..x3 into C. */
    private static void group(
            float x0, float x1, float x2, float x3, float[] b, int bp, int bRow, float[] c, int ci, int j0, int j1) {
        FloatVector v0 = FloatVector.broadcast(SPECIES, x0);
        FloatVector v1 = FloatVector.broadcast(SPECIES, x1);
        FloatVector v2 = FloatVector.broadcast(SPECIES, x2);
        FloatVector v3 = FloatVector.broadcast(SPECIES, x3);
        int b0 = bp;
        int b1 = bp + bRow;
        int b2 = bp + 2 * bRow;
        int b3 = bp + 3 * bRow;
        int j = j0;
        for (; j + VL <= j1; j += VL) {
            FloatVector y = FloatVector.fromArray(SPECIES, c, ci + j);
            y = v0.fma(FloatVector.fromArray(SPECIES, b, b0 + j), y);
            y = v1.fma(FloatVector.fromArray(SPECIES, b, b1 + j), y);
            y = v2.fma(FloatVector.fromArray(SPECIES, b, b2 + j), y);
            y = v3.fma(FloatVector.fromArray(SPECIES, b, b3 + j), y);
            y.intoArray(c, ci + j);
        }
        for (; j < j1; j++) {
            float y = c[ci + j];
            y = Math.fma(x0, b[b0 + j], y);
            y = Math.fma(x1, b[b1 + j], y);
            y = Math.fma(x2, b[b2 + j], y);
            c[ci + j] = Math.fma(x3, b[b3 + j], y);
        }
    }

    private static void single(float x, float[] b, int bp, float[] c, int ci, int j0, int j1) {
        FloatVector v = FloatVector.broadcast(SPECIES, x);
        int j = j0;
        for (; j + VL <= j1; j += VL) {
            v.fma(FloatVector.fromArray(SPECIES, b, bp + j), FloatVector.fromArray(SPECIES, c, ci + j))
                    .intoArray(c, ci + j);
        }
        for (; j < j1; j++) {
            c[ci + j] = Math.fma(x, b[bp + j], c[ci + j]);
        }
    }
}
