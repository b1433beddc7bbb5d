package dev.javelin.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

/**
 * One multiply laid out the way a compiled program keeps it: A, B and C in one float[] at offsets,
 * with guard regions and stride gaps around them holding a sentinel, C holding garbage (NaN) before
 * the call. It knows the two answers a correct {@link Gemm} must give: the float FMA chain over k in
 * order (bit for bit) and the double-precision product (within rounding).
 */
final class GemmCase {
    /** How an operand is stored. */
    enum Layout {
        /** Row-major: (i, p) at i*(cols + pad) + p. */
        ROWS,
        /** Column-major, i.e. the transpose is stored: (i, p) at p*(rows + pad) + i. */
        COLUMNS,
        /** Neither stride is 1: (i, p) at i*(2*cols + pad) + 2*p. */
        STRIDED
    }

    static final float SENTINEL = -1234.5f;
    private static final int GUARD = 37;

    final int m, n, k;
    final float[] data;
    final int aOff, aRow, aCol, bOff, bRow, bCol, cOff, ldc;
    private final float[] before;

    GemmCase(int m, int n, int k, Layout aLayout, Layout bLayout, int pad, long seed) {
        this.m = m;
        this.n = n;
        this.k = k;
        int[] as = strides(aLayout, m, k, pad);
        int[] bs = strides(bLayout, k, n, pad + 1);
        aRow = as[0];
        aCol = as[1];
        bRow = bs[0];
        bCol = bs[1];
        ldc = n + pad;
        aOff = GUARD;
        bOff = aOff + extent(m, aRow, k, aCol) + 11;
        cOff = bOff + extent(k, bRow, n, bCol) + 13;
        data = new float[cOff + extent(m, ldc, n, 1) + GUARD];
        java.util.Arrays.fill(data, SENTINEL);
        Random random = new Random(seed);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                data[a(i, p)] = random.nextFloat() * 2 - 1;
            }
        }
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                data[b(p, j)] = random.nextFloat() * 2 - 1;
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                data[c(i, j)] = Float.NaN;
            }
        }
        before = data.clone();
    }

    private static int[] strides(Layout layout, int rows, int cols, int pad) {
        return switch (layout) {
            case ROWS -> new int[] {cols + pad, 1};
            case COLUMNS -> new int[] {1, rows + pad};
            case STRIDED -> new int[] {2 * cols + pad, 2};
        };
    }

    private static int extent(int rows, int rowStride, int cols, int colStride) {
        return rows == 0 || cols == 0 ? 0 : (rows - 1) * rowStride + (cols - 1) * colStride + 1;
    }

    int a(int i, int p) {
        return aOff + i * aRow + p * aCol;
    }

    int b(int p, int j) {
        return bOff + p * bRow + j * bCol;
    }

    int c(int i, int j) {
        return cOff + i * ldc + j;
    }

    void run(Gemm gemm, Gemm.Epilogue epilogue) {
        gemm.multiply(m, n, k, data, aOff, aRow, aCol, data, bOff, bRow, bCol, data, cOff, ldc, epilogue);
    }

    /** The contract of {@link GemmKernel}: one FMA chain per element, over p in order, from zero. */
    float chain(int i, int j) {
        float s = 0f;
        for (int p = 0; p < k; p++) {
            s = Math.fma(data[a(i, p)], data[b(p, j)], s);
        }
        return s;
    }

    /** Checks C against the chain (exactly) and the double product (relatively). */
    void assertProduct() {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double scale = 0;
                for (int p = 0; p < k; p++) {
                    double t = (double) data[a(i, p)] * data[b(p, j)];
                    exact += t;
                    scale += Math.abs(t);
                }
                float got = data[c(i, j)];
                if (!(Math.abs(got - exact) <= 1e-5 * scale)) {
                    fail(this + ": C(" + i + "," + j + ") = " + got + ", expected " + exact + " (scale " + scale + ")");
                }
                assertEquals(chain(i, j), got, 0f, () -> this + ": not the FMA chain");
            }
        }
    }

    /** Nothing but the elements of C was written: guards, gaps and the operands are as they were. */
    void assertOnlyCWritten() {
        boolean[] isC = new boolean[data.length];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                isC[c(i, j)] = true;
            }
        }
        for (int x = 0; x < data.length; x++) {
            if (!isC[x] && Float.floatToRawIntBits(data[x]) != Float.floatToRawIntBits(before[x])) {
                fail(this + ": wrote element " + x + " outside C (" + before[x] + " -> " + data[x] + ")");
            }
        }
    }

    float[] c() {
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            System.arraycopy(data, c(i, 0), out, i * n, n);
        }
        return out;
    }

    @Override
    public String toString() {
        return m + "x" + n + "x" + k + " (A strides " + aRow + "," + aCol + "; B strides " + bRow + "," + bCol
                + "; ldc " + ldc + ")";
    }
}
