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
        for (int j = 0; j < n; j += VL) {
            VectorMask<Float> cols = SPECIES.indexInRange(j, n);
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                rows4(k, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, cols);
            }
            for (; i < m; i++) {
                row(k, a, aOff + i * aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, cols);
            }
        }
    }

    /** Four rows of C, one vector of columns: each row of B is loaded once for all four. */
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
            VectorMask<Float> cols) {
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
            int k, float[] a, int ai, int aCol, float[] b, int bj, int ldb, float[] c, int ci, VectorMask<Float> cols) {
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int p = 0; p < k; p++) {
            FloatVector bv = FloatVector.fromArray(SPECIES, b, bj + p * ldb, cols);
            acc = FloatVector.broadcast(SPECIES, a[ai + p * aCol]).fma(bv, acc);
        }
        acc.intoArray(c, ci, cols);
    }
}
