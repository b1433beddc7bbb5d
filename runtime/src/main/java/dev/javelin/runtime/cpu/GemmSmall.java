package dev.javelin.runtime.cpu;

import static dev.javelin.runtime.cpu.GemmKernel.SPECIES;
import static dev.javelin.runtime.cpu.GemmKernel.VL;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * The kernel of {@link Gemm#batched} for small products (attention's per-head {@code 8×8×8}, a
 * projection of a few rows): no packing, no cache blocking, no call into the pool per product.
 * Packing A and B costs as much as the arithmetic there, and a micro-tile of {@link GemmKernel#MR}
 * × {@link GemmKernel#NR} would compute mostly padding. B must have unit column stride (the caller
 * copies a transposed B into scratch first); A may have any strides, its elements are broadcast
 * one at a time. Columns past {@code n} in the last vector are masked off.
 *
 * <p>Each element of C is one FMA chain over p in order starting from zero, as in {@link
 * GemmKernel}: the same float as every other path of {@link Gemm}, bit for bit.
 */
final class GemmSmall {
    private GemmSmall() {}

    /**
     * B (k × n, strides bRow and bCol) copied row-major into {@code scratch} (at least {@code k * n}
     * floats), for a B without unit column stride (a transposed B): the kernel loads whole vectors of
     * a row.
     */
    static float[] rowMajor(float[] b, int bOff, int bRow, int bCol, int k, int n, float[] scratch) {
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                scratch[p * n + j] = b[bOff + p * bRow + j * bCol];
            }
        }
        return scratch;
    }

    /** C (m × n at {@code cOff}, row stride {@code ldc}) = A (strides aRow, aCol) · B (row stride ldb). */
    static void product(
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int aRow,
            int aCol,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc) {
        int j = 0;
        for (; j + 2 * VL <= n; j += 2 * VL) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                rows4Wide(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            for (; i < m; i++) {
                row(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, VL);
                row(k, a, aOff + i * aRow, aCol, b, bOff + j + VL, ldb, c, cOff + i * ldc + j + VL, VL);
            }
        }
        for (; j < n; j += VL) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                rows4(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, n - j);
            }
            for (; i < m; i++) {
                row(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, n - j);
            }
        }
    }

    /** Four rows of C, two full vectors of columns: eight FMA chains per row of B loaded. */
    private static void rows4Wide(
            int k, float[] a, int ai, int aRow, int aCol, float[] b, int bj, int ldb, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(SPECIES);
        FloatVector c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < k; p++) {
            int bp = bj + p * ldb;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bp);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bp + VL);
            int ap = ai + p * aCol;
            FloatVector x = FloatVector.broadcast(SPECIES, a[ap]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[ap + aRow]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[ap + 2 * aRow]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[ap + 3 * aRow]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + VL);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + VL);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + VL);
        c30.intoArray(c, ci + 3 * ldc);
        c31.intoArray(c, ci + 3 * ldc + VL);
    }

    /**
     * Four rows of C, one vector of columns (the first {@code width} lanes): each row of B is
     * loaded once for all four. The mask is made here, not passed in, so C2 keeps it in a register.
     */
    private static void rows4(
            int k,
            float[] a,
            int ai,
            int aRow,
            int aCol,
            float[] b,
            int bj,
            int ldb,
            float[] c,
            int ci,
            int ldc,
            int width) {
        VectorMask<Float> cols = SPECIES.indexInRange(0, width);
        FloatVector c0 = FloatVector.zero(SPECIES);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(SPECIES, b, bj + p * ldb, cols);
            int ap = ai + p * aCol;
            c0 = FloatVector.broadcast(SPECIES, a[ap]).fma(bv, c0);
            c1 = FloatVector.broadcast(SPECIES, a[ap + aRow]).fma(bv, c1);
            c2 = FloatVector.broadcast(SPECIES, a[ap + 2 * aRow]).fma(bv, c2);
            c3 = FloatVector.broadcast(SPECIES, a[ap + 3 * aRow]).fma(bv, c3);
        }
        c0.intoArray(c, ci, cols);
        c1.intoArray(c, ci + ldc, cols);
        c2.intoArray(c, ci + 2 * ldc, cols);
        c3.intoArray(c, ci + 3 * ldc, cols);
    }

    private static void row(
            int k, float[] a, int ai, int aCol, float[] b, int bj, int ldb, float[] c, int ci, int width) {
        VectorMask<Float> cols = SPECIES.indexInRange(0, width);
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(SPECIES, b, bj + p * ldb, cols);
            acc = FloatVector.broadcast(SPECIES, a[ai + p * aCol]).fma(bv, acc);
        }
        acc.intoArray(c, ci, cols);
    }
}
