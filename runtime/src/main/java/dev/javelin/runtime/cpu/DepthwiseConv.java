package dev.javelin.runtime.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Forward depthwise convolutions (one input channel per group, as in MobileNets) over rows of unit
 * stride (NCHW input and output, width stride 1, any height stride, dilation and padding). One task
 * per output plane: the input plane is copied into a per-thread scratch with its rows zero-padded
 * left and right, then each output row is computed a vector of columns at a time, all {@code KH *
 * KW} taps summed in a register and stored once (rows narrower than a vector: a column at a time).
 * Scratch grows on first use and is reused. Each plane is written by one task in a fixed order, so
 * any number of threads gives the same bits. (The general loops of {@link Windows} re-read and
 * re-write the output row once per tap, and C2 cannot vectorize them when input and output share an
 * array.)
 */
final class DepthwiseConv {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final int N = 0, H = 2, W = 3, O = 4, CG = 5, KH = 6, KW = 7, OH = 8, OW = 9;
    private static final int SH = 10, SW = 11, DH = 12, DW = 13, TOP = 14, LEFT = 15, GROUP_OUT = 16;
    private static final int XG = 17, WG = 22, YG = 27;

    private final CpuPool pool;
    private final float[][] padded;
    // the call in progress, read by the tasks
    private float[] x, w, y;
    private int[] g;
    private final CpuPool.Task planeTask = this::plane;

    DepthwiseConv(CpuPool pool) {
        this.pool = pool;
        this.padded = new float[pool.threads()][0];
    }

    /** Whether this geometry is a depthwise convolution these loops run. */
    static boolean supports(int[] g) {
        return g[CG] == 1 && g[GROUP_OUT] < g[O] && g[SW] == 1 && g[LEFT] >= 0 && g[XG + 4] == 1 && g[YG + 4] == 1;
    }

    void forward(float[] x, float[] w, float[] y, int[] g) {
        this.x = x;
        this.w = w;
        this.y = y;
        this.g = g;
        pool.parallelFor(g[N] * g[O], planeTask);
    }

    private void plane(int index, int thread) {
        int n = index / g[O], o = index % g[O];
        int c = o / g[GROUP_OUT];
        int xBase = g[XG] + n * g[XG + 1] + c * g[XG + 2] - g[LEFT];
        int yBase = g[YG] + n * g[YG + 1] + o * g[YG + 2];
        int wBase = g[WG] + o * g[WG + 1];
        if (g[OW] < V) {
            for (int oh = 0; oh < g[OH]; oh++) {
                for (int ow = 0; ow < g[OW]; ow++) {
                    y[yBase + oh * g[YG + 3] + ow] = edge(xBase, wBase, oh * g[SH] - g[TOP], ow);
                }
            }
            return;
        }
        // the input plane, each row zero-padded left and right, so every tap of every column is a load
        int wp = Math.max(g[OW] + (g[KW] - 1) * g[DW], g[LEFT] + g[W]);
        float[] p = pad(thread, xBase + g[LEFT], wp);
        for (int oh = 0; oh < g[OH]; oh++) {
            int yRow = yBase + oh * g[YG + 3];
            int ih0 = oh * g[SH] - g[TOP];
            // the last vector ends at the row's end, overlapping the one before it (the overlapped
            // columns get the same sums again)
            for (int ow = 0; ow < g[OW]; ow += V) {
                int at = Math.min(ow, g[OW] - V);
                FloatVector acc = FloatVector.zero(S);
                for (int kh = 0; kh < g[KH]; kh++) {
                    int ih = ih0 + kh * g[DH];
                    if (ih < 0 || ih >= g[H]) {
                        continue;
                    }
                    int pAt = ih * wp + at;
                    int wAt = wBase + kh * g[WG + 3];
                    for (int kw = 0; kw < g[KW]; kw++) {
                        FloatVector xv = FloatVector.fromArray(S, p, pAt + kw * g[DW]);
                        acc = xv.fma(FloatVector.broadcast(S, w[wAt + kw * g[WG + 4]]), acc);
                    }
                }
                acc.intoArray(y, yRow + at);
            }
        }
    }

    /** This thread's scratch holding the plane at {@code xAt} as H rows of {@code wp}, left padding first. */
    private float[] pad(int thread, int xAt, int wp) {
        int need = g[H] * wp;
        if (padded[thread].length < need) {
            padded[thread] = new float[need];
        }
        float[] p = padded[thread];
        int left = g[LEFT];
        for (int ih = 0; ih < g[H]; ih++) {
            int row = ih * wp;
            Arrays.fill(p, row, row + left, 0f);
            System.arraycopy(x, xAt + ih * g[XG + 3], p, row + left, g[W]);
            Arrays.fill(p, row + left + g[W], row + wp, 0f);
        }
        return p;
    }

    /** One output column, taps outside the input skipped. */
    private float edge(int xBase, int wBase, int ih0, int ow) {
        float sum = 0;
        for (int kh = 0; kh < g[KH]; kh++) {
            int ih = ih0 + kh * g[DH];
            if (ih < 0 || ih >= g[H]) {
                continue;
            }
            for (int kw = 0; kw < g[KW]; kw++) {
                int iw = ow - g[LEFT] + kw * g[DW];
                if (iw >= 0 && iw < g[W]) {
                    sum = Math.fma(
                            w[wBase + kh * g[WG + 3] + kw * g[WG + 4]], x[xBase + ih * g[XG + 3] + iw + g[LEFT]], sum);
                }
            }
        }
        return sum;
    }
}
