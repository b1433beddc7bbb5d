package dev.javelin.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-blocked inner loops of {@link Gemm}: an {@link #MR} × {@link #NR} micro-kernel that
 * keeps its whole tile of C in vector registers while it streams one packed micro-panel of A and
 * one of B, and the macro-kernel that sweeps it over a packed block.
 *
 * <p>Every element of C is computed as one chain of fused multiply-adds in increasing {@code p}
 * ({@code c = fma(a[i][p], b[p][j], c)}), started from zero at {@code p = 0} and resumed from the
 * value in C at every later cache block of k. Storing a float and loading it back is exact, so the
 * result does not depend on the blocking, the tile an element falls in, the path taken, or the
 * number of threads: only on the operands.
 */
final class GemmKernel {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int VL = SPECIES.length();

    /**
     * True where the preferred species is 512 bits wide, so the machine has 32 vector registers
     * (AVX-512) rather than 16 (AVX2): the tile shape follows the register file.
     */
    static final boolean WIDE = VL >= 16;

    /**
     * Rows of the micro-tile. With 16 registers: three rows of three vectors, nine independent FMA
     * chains, enough to cover the FMA latency (4 cycles) on two pipes, and they fit even when C2
     * hoists every load of an iteration ahead of the FMAs (9 + 3 + 3); the classic 6×2 and 5×2 tiles
     * measured 2-3× slower there, because C2 then spills an accumulator on every iteration. With 32
     * registers: eight rows of two vectors (16 accumulators, 2 B vectors, one broadcast), whose
     * 32-column panels divide the power-of-two widths the models have; 48-column panels left a third
     * to two thirds of a panel as padding at n = 256 or 512 (256×512×256 measured 152 -> 188 GFLOP/s,
     * 32×784×512 144 -> 176, same run).
     */
    static final int MR = WIDE ? 8 : 3;

    /** Columns of the micro-tile: two (32 registers) or three (16 registers) preferred vectors. */
    static final int NR = (WIDE ? 2 : 3) * VL;

    private GemmKernel() {}

    /**
     * Multiplies a packed {@code mc × kc} block of A (micro-panels of {@link #MR} rows, each laid out
     * {@code p}-major) by packed micro-panels of B ({@code kc × NR} each, {@code bPanelStride} apart)
     * into C rows {@code [0, mc)} and columns {@code [0, nc)} at {@code cOff}. The loop over B
     * panels is outside, so one B micro-panel stays in L1 while the A block streams from L2.
     * {@code load} resumes the chains from C; otherwise C is overwritten.
     */
    static void block(
            int mc,
            int nc,
            int kc,
            float[] aPack,
            float[] bPack,
            int bOff,
            int bPanelStride,
            float[] c,
            int cOff,
            int ldc,
            boolean load,
            float[] tile) {
        float touched = 0f;
        for (int j = 0, bp = bOff; j < nc; j += NR, bp += bPanelStride) {
            int nr = Math.min(NR, nc - j);
            for (int i = 0; i < mc; i += MR) {
                int mr = Math.min(MR, mc - i);
                int ap = i * kc;
                int ci = cOff + i * ldc + j;
                if (mr == MR && nr == NR) {
                    if (i + 2 * MR <= mc) {
                        touched += touch(c, ci + MR * ldc, ldc);
                    }
                    micro(kc, aPack, ap, bPack, bp, c, ci, ldc, load);
                } else {
                    edge(mr, nr, kc, aPack, ap, bPack, bp, c, ci, ldc, load, tile);
                }
            }
        }
        tile[0] = touched;
    }

    /**
     * Reads the first and last element of each row of the next C tile, so its cache lines are on
     * their way from L3 while the micro-kernel works on this one: Java has no prefetch instruction,
     * and a tile of C is touched only once per pass, so it is rarely in L1 or L2 (measured 3-5% on
     * 1024³). The sum lands in the scratch tile so that C2 cannot drop the loads.
     */
    private static float touch(float[] c, int ci, int ldc) {
        float s = 0f;
        for (int r = 0; r < MR; r++) {
            s += c[ci + r * ldc] + c[ci + r * ldc + NR - 1];
        }
        return s;
    }

    /**
     * A partial tile at the bottom or right edge: the packed panels are zero-padded, so the full
     * kernel runs on a scratch tile and only the valid part is copied to and from C.
     */
    private static void edge(
            int mr,
            int nr,
            int kc,
            float[] aPack,
            int ap,
            float[] bPack,
            int bp,
            float[] c,
            int ci,
            int ldc,
            boolean load,
            float[] tile) {
        if (load) {
            for (int r = 0; r < mr; r++) {
                System.arraycopy(c, ci + r * ldc, tile, r * NR, nr);
            }
        }
        micro(kc, aPack, ap, bPack, bp, tile, 0, NR, load);
        for (int r = 0; r < mr; r++) {
            System.arraycopy(tile, r * NR, c, ci + r * ldc, nr);
        }
    }

    /**
     * The micro-kernel: C[0..MR)[0..NR) at {@code ci} (row stride {@code ldc}) from {@code kc} steps
     * of the packed micro-panels at {@code ap} and {@code bp}. Each shape is written out by hand so
     * that C2 keeps every accumulator in registers and, with the constant strides, hoists every bounds
     * check; {@link #WIDE} is a constant, so only one of them is compiled.
     */
    static void micro(int kc, float[] a, int ap, float[] b, int bp, float[] c, int ci, int ldc, boolean load) {
        if (WIDE) {
            micro8x2(kc, a, ap, b, bp, c, ci, ldc, load);
        } else {
            micro3x3(kc, a, ap, b, bp, c, ci, ldc, load);
        }
    }

    /** The 8 × 2-vector tile: A micro-panels of 8 rows, B micro-panels of {@code 2 * VL} columns. */
    static void micro8x2(int kc, float[] a, int ap, float[] b, int bp, float[] c, int ci, int ldc, boolean load) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (load) {
            c00 = FloatVector.fromArray(SPECIES, c, ci + 0 * ldc + 0 * VL);
            c01 = FloatVector.fromArray(SPECIES, c, ci + 0 * ldc + 1 * VL);
            c10 = FloatVector.fromArray(SPECIES, c, ci + 1 * ldc + 0 * VL);
            c11 = FloatVector.fromArray(SPECIES, c, ci + 1 * ldc + 1 * VL);
            c20 = FloatVector.fromArray(SPECIES, c, ci + 2 * ldc + 0 * VL);
            c21 = FloatVector.fromArray(SPECIES, c, ci + 2 * ldc + 1 * VL);
            c30 = FloatVector.fromArray(SPECIES, c, ci + 3 * ldc + 0 * VL);
            c31 = FloatVector.fromArray(SPECIES, c, ci + 3 * ldc + 1 * VL);
            c40 = FloatVector.fromArray(SPECIES, c, ci + 4 * ldc + 0 * VL);
            c41 = FloatVector.fromArray(SPECIES, c, ci + 4 * ldc + 1 * VL);
            c50 = FloatVector.fromArray(SPECIES, c, ci + 5 * ldc + 0 * VL);
            c51 = FloatVector.fromArray(SPECIES, c, ci + 5 * ldc + 1 * VL);
            c60 = FloatVector.fromArray(SPECIES, c, ci + 6 * ldc + 0 * VL);
            c61 = FloatVector.fromArray(SPECIES, c, ci + 6 * ldc + 1 * VL);
            c70 = FloatVector.fromArray(SPECIES, c, ci + 7 * ldc + 0 * VL);
            c71 = FloatVector.fromArray(SPECIES, c, ci + 7 * ldc + 1 * VL);
        } else {
            FloatVector z = FloatVector.zero(SPECIES);
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = z;
        }
        for (int p = 0; p < kc; p++) {
            int bq = bp + p * 2 * VL;
            int aq = ap + p * 8;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bq);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bq + VL);
            FloatVector x;
            x = FloatVector.broadcast(SPECIES, a[aq + 0]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(SPECIES, a[aq + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(SPECIES, a[aq + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(SPECIES, a[aq + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(SPECIES, a[aq + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(SPECIES, a[aq + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(SPECIES, a[aq + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(SPECIES, a[aq + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
        }
        c00.intoArray(c, ci + 0 * ldc + 0 * VL);
        c01.intoArray(c, ci + 0 * ldc + 1 * VL);
        c10.intoArray(c, ci + 1 * ldc + 0 * VL);
        c11.intoArray(c, ci + 1 * ldc + 1 * VL);
        c20.intoArray(c, ci + 2 * ldc + 0 * VL);
        c21.intoArray(c, ci + 2 * ldc + 1 * VL);
        c30.intoArray(c, ci + 3 * ldc + 0 * VL);
        c31.intoArray(c, ci + 3 * ldc + 1 * VL);
        c40.intoArray(c, ci + 4 * ldc + 0 * VL);
        c41.intoArray(c, ci + 4 * ldc + 1 * VL);
        c50.intoArray(c, ci + 5 * ldc + 0 * VL);
        c51.intoArray(c, ci + 5 * ldc + 1 * VL);
        c60.intoArray(c, ci + 6 * ldc + 0 * VL);
        c61.intoArray(c, ci + 6 * ldc + 1 * VL);
        c70.intoArray(c, ci + 7 * ldc + 0 * VL);
        c71.intoArray(c, ci + 7 * ldc + 1 * VL);
    }

    /** The 3 × 3-vector tile: A micro-panels of 3 rows, B micro-panels of {@code 3 * VL} columns. */
    static void micro3x3(int kc, float[] a, int ap, float[] b, int bp, float[] c, int ci, int ldc, boolean load) {
        FloatVector c00, c01, c02, c10, c11, c12, c20, c21, c22;
        if (load) {
            c00 = FloatVector.fromArray(SPECIES, c, ci);
            c01 = FloatVector.fromArray(SPECIES, c, ci + VL);
            c02 = FloatVector.fromArray(SPECIES, c, ci + 2 * VL);
            c10 = FloatVector.fromArray(SPECIES, c, ci + ldc);
            c11 = FloatVector.fromArray(SPECIES, c, ci + ldc + VL);
            c12 = FloatVector.fromArray(SPECIES, c, ci + ldc + 2 * VL);
            c20 = FloatVector.fromArray(SPECIES, c, ci + 2 * ldc);
            c21 = FloatVector.fromArray(SPECIES, c, ci + 2 * ldc + VL);
            c22 = FloatVector.fromArray(SPECIES, c, ci + 2 * ldc + 2 * VL);
        } else {
            FloatVector z = FloatVector.zero(SPECIES);
            c00 = c01 = c02 = c10 = c11 = c12 = c20 = c21 = c22 = z;
        }
        for (int p = 0; p < kc; p++) {
            int bq = bp + p * 3 * VL;
            int aq = ap + p * 3;
            FloatVector b0 = FloatVector.fromArray(SPECIES, b, bq);
            FloatVector b1 = FloatVector.fromArray(SPECIES, b, bq + VL);
            FloatVector b2 = FloatVector.fromArray(SPECIES, b, bq + 2 * VL);
            FloatVector x = FloatVector.broadcast(SPECIES, a[aq]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            c02 = x.fma(b2, c02);
            x = FloatVector.broadcast(SPECIES, a[aq + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            c12 = x.fma(b2, c12);
            x = FloatVector.broadcast(SPECIES, a[aq + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            c22 = x.fma(b2, c22);
        }
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + VL);
        c02.intoArray(c, ci + 2 * VL);
        c10.intoArray(c, ci + ldc);
        c11.intoArray(c, ci + ldc + VL);
        c12.intoArray(c, ci + ldc + 2 * VL);
        c20.intoArray(c, ci + 2 * ldc);
        c21.intoArray(c, ci + 2 * ldc + VL);
        c22.intoArray(c, ci + 2 * ldc + 2 * VL);
    }
}
