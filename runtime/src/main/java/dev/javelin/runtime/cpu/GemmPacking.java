package dev.javelin.runtime.cpu;

import static dev.javelin.runtime.cpu.GemmKernel.MR;
import static dev.javelin.runtime.cpu.GemmKernel.NR;
import static dev.javelin.runtime.cpu.GemmKernel.SPECIES;
import static dev.javelin.runtime.cpu.GemmKernel.VL;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Copies blocks of A and B out of their arbitrary strides into the contiguous micro-panels the
 * micro-kernel streams, so the kernel sees unit-stride, cache- and TLB-friendly data whatever the
 * layout of the operands (row-major, transposed, or a strided view). Panels are zero-padded to
 * whole {@link GemmKernel#MR} rows and {@link GemmKernel#NR} columns, so edge tiles can run the full
 * kernel: padded products are zero and never reach a valid element of C.
 */
final class GemmPacking {
    private GemmPacking() {}

    /**
     * Packs A rows {@code [i0, i0+mc)}, columns {@code [p0, p0+kc)} into {@code dst}: micro-panel
     * {@code t} (rows {@code i0 + t*MR ..}) starts at {@code t*MR*kc} and holds element {@code (p, r)}
     * at {@code p*MR + r}. Writing in order while reading the panel's rows as parallel streams beats
     * passing over the panel once per row.
     */
    static void packA(float[] a, int aOff, int aRow, int aCol, int i0, int mc, int p0, int kc, float[] dst) {
        for (int i = 0; i < mc; i += MR) {
            int mr = Math.min(MR, mc - i);
            int base = i * kc;
            int src = aOff + (i0 + i) * aRow + p0 * aCol;
            if (mr == MR) {
                for (int p = 0; p < kc; p++) {
                    int s = src + p * aCol;
                    int d = base + p * MR;
                    for (int r = 0; r < MR; r++) {
                        dst[d + r] = a[s + r * aRow];
                    }
                }
            } else {
                for (int p = 0; p < kc; p++) {
                    copyStrided(a, src + p * aCol, aRow, dst, base + p * MR, 1, mr);
                    Arrays.fill(dst, base + p * MR + mr, base + (p + 1) * MR, 0f);
                }
            }
        }
    }

    /**
     * Packs B rows {@code [p0, p0+kc)}, columns {@code [j0, j0+nc)} into {@code dst} from {@code dOff}:
     * micro-panel {@code t} (columns {@code j0 + t*NR ..}) starts at {@code dOff + t*NR*kc} and holds
     * element {@code (p, j)} at {@code p*NR + j}. Row-major B, the common case, is copied a vector at
     * a time.
     */
    static void packB(float[] b, int bOff, int bRow, int bCol, int j0, int nc, int p0, int kc, float[] dst, int dOff) {
        for (int j = 0; j < nc; j += NR) {
            int nr = Math.min(NR, nc - j);
            int base = dOff + j * kc;
            int src = bOff + p0 * bRow + (j0 + j) * bCol;
            if (bCol == 1 && nr == NR) {
                copyRows(b, src, bRow, dst, base, kc);
                continue;
            }
            if (bCol <= bRow) {
                for (int p = 0; p < kc; p++) {
                    copyStrided(b, src + p * bRow, bCol, dst, base + p * NR, 1, nr);
                }
            } else {
                for (int jj = 0; jj < nr; jj++) {
                    copyStrided(b, src + jj * bCol, bRow, dst, base + jj, NR, kc);
                }
            }
            if (nr < NR) {
                for (int p = 0; p < kc; p++) {
                    Arrays.fill(dst, base + p * NR + nr, base + (p + 1) * NR, 0f);
                }
            }
        }
    }

    /** One full-width panel of row-major B: {@code kc} rows of {@link GemmKernel#NR} floats. */
    private static void copyRows(float[] b, int src, int bRow, float[] dst, int base, int kc) {
        for (int p = 0; p < kc; p++) {
            int s = src + p * bRow;
            int d = base + p * NR;
            for (int v = 0; v < NR; v += VL) {
                FloatVector.fromArray(SPECIES, b, s + v).intoArray(dst, d + v);
            }
        }
    }

    private static void copyStrided(float[] src, int s, int sStride, float[] dst, int d, int dStride, int count) {
        for (int q = 0; q < count; q++) {
            dst[d + q * dStride] = src[s + q * sStride];
        }
    }
}
