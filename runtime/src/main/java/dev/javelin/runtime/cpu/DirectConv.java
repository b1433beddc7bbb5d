package dev.javelin.runtime.cpu;

import static dev.javelin.runtime.cpu.DirectConvKernels.OB;
import static dev.javelin.runtime.cpu.DirectConvKernels.PB;
import static dev.javelin.runtime.cpu.DirectConvKernels.TB;
import static dev.javelin.runtime.cpu.DirectConvKernels.V;

import java.util.Arrays;

/**
 * Direct convolutions for few input channels (NCHW, stride 1, dilation 1, one group), where an
 * im2col matrix would be short and the GEMM's packing costs more than its products earn.
 *
 * <p>The "wide output" trick: each image is copied into a zero-padded scratch plane of width
 * {@code Wp = OW + KW - 1}; the output computed over width {@code Wp} (the last {@code KW - 1}
 * columns of each row are junk, never stored) is a 1-D correlation over the flat padded plane,
 * {@code yWide[o][p] = sum over (c, kh, kw) of w[o, c, kh, kw] * xpad[c][p + kh * Wp + kw]}, run
 * by {@link DirectConvKernels} in blocks of 6 channels by 4 position vectors. The input gradient is
 * the same loop over dy padded by {@code KH - 1 - top} (and so on) with the filter flipped and
 * transposed; the filter gradient dots dy, laid out wide with zeros in the junk columns, with the
 * shifted padded input. (A junk column meets input values outside the tap's window with a zero
 * dy, so an infinite input value there gives NaN where the im2col path would not.)
 *
 * <p>Work splits by images (the forward and the input gradient) or by a fixed number of image
 * chunks (the filter gradient, whose chunk sums are added in chunk order), depending on the sizes
 * only: any number of threads gives the same bits. Scratch grows on first use per thread and is
 * reused, so a steady-state call allocates nothing.
 */
final class DirectConv {
    private static final int N = 0, C = 1, H = 2, W = 3, O = 4, KH = 6, KW = 7, OH = 8, OW = 9;
    private static final int SH = 10, SW = 11, DH = 12, DW = 13, TOP = 14, LEFT = 15, GROUP_OUT = 16;
    private static final int XG = 17, WG = 22, YG = 27;
    /** Above this many input channels the im2col + GEMM path's longer products win. */
    static final int MAX_CHANNELS = 16;

    private static final int MAX_CHUNKS = 16;
    /** Unused floats after each thread's scratch, so no two threads' arrays share a cache line. */
    private static final int CACHE_GAP = 32;

    private final CpuPool pool;
    private final float[][] padded;
    private final float[][] wide;
    private final float[][] lanes;
    private float[] packed = new float[0];
    private int[] offsets = new int[0];
    private float[] partials = new float[0];

    // The correlation in progress: source planes (cin of srcH x srcW, padded by top/left into hp x
    // wp planes of stride ps) and destination planes (cout of outH x outW), read by the tasks.
    private float[] src, dst;
    private int srcAt, dstAt; // index of the first geometry-table stride entry (XG or YG)
    private int[] g;
    private int cin, srcH, srcW, top, left, cout, coutPad, outH, outW, hp, wp, ps, pw, taps, imageLength;
    // the wide output's rows, and where the stored outH x outW window starts in it
    private int rows, storeTop, storeLeft;
    private int chunks, perChunk, tapsPad;
    private final CpuPool.Task imageTask = this::image;
    private final CpuPool.Task filterTask = this::filterChunk;

    DirectConv(CpuPool pool) {
        this.pool = pool;
        int threads = pool.threads();
        padded = new float[threads][0];
        wide = new float[threads][0];
        lanes = new float[threads][OB * TB * V + CACHE_GAP];
    }

    /** Whether this geometry takes the direct loops (else the im2col path does). */
    static boolean supports(int[] g) {
        return g[SH] == 1
                && g[SW] == 1
                && g[DH] == 1
                && g[DW] == 1
                && g[GROUP_OUT] == g[O]
                && g[C] <= MAX_CHANNELS
                && g[XG + 4] == 1
                && g[YG + 4] == 1
                && g[N] > 0
                && g[OH] > 0
                && g[OW] > 0;
    }

    void forward(float[] x, float[] w, float[] y, int[] g) {
        setUp(g, x, XG, g[C], g[H], g[W], g[TOP], g[LEFT], y, YG, g[O], g[OH], g[OW]);
        shape(g[OH], g[OW] + g[KW] - 1, 0, 0);
        for (int o = 0; o < coutPad; o++) {
            for (int t = 0; t < taps; t++) {
                // tap t = (c, kh, kw) in row-major order, matching offsets[t]
                int c = t / (g[KH] * g[KW]), kh = t / g[KW] % g[KH], kw = t % g[KW];
                packed[t * coutPad + o] = o < g[O] ? w[filterIndex(g, o, c, kh, kw)] : 0f;
            }
        }
        pool.parallelFor(g[N], imageTask);
    }

    /**
     * dx as a correlation of dy with the flipped filter, over whichever wide plane is smaller: dx's
     * own rows at width {@code W + KW - 1} (dy padded by {@code KH - 1 - top} and so on), or the
     * forward's padded input plane ({@code OH + KH - 1} rows at width {@code OW + KW - 1}, dy padded
     * by {@code KH - 1, KW - 1}, the border rows and columns computed and dropped), which is
     * smaller without padding: for LeNet's second layer 196 positions instead of 252.
     */
    void backpropInput(float[] dx, float[] w, float[] dy, int[] g) {
        int kh1 = g[KH] - 1, kw1 = g[KW] - 1;
        boolean inputPlane = (g[OH] + kh1) * (g[OW] + kw1) < g[H] * (g[W] + kw1);
        int padTop = inputPlane ? kh1 : kh1 - g[TOP], padLeft = inputPlane ? kw1 : kw1 - g[LEFT];
        setUp(g, dy, YG, g[O], g[OH], g[OW], padTop, padLeft, dx, XG, g[C], g[H], g[W]);
        if (inputPlane) {
            shape(g[OH] + kh1, g[OW] + kw1, g[TOP], g[LEFT]);
        } else {
            shape(g[H], g[W] + kw1, 0, 0);
        }
        for (int c = 0; c < coutPad; c++) {
            for (int t = 0; t < taps; t++) {
                // tap t = (o, kh, kw) of the flipped filter
                int o = t / (g[KH] * g[KW]), kh = t / g[KW] % g[KH], kw = t % g[KW];
                packed[t * coutPad + c] = c < g[C] ? w[filterIndex(g, o, c, kh1 - kh, kw1 - kw)] : 0f;
            }
        }
        pool.parallelFor(g[N], imageTask);
    }

    void backpropFilter(float[] x, float[] dw, float[] dy, int[] g) {
        setUp(g, x, XG, g[C], g[H], g[W], g[TOP], g[LEFT], dy, YG, g[O], g[OH], g[OW]);
        shape(g[OH], g[OW] + g[KW] - 1, 0, 0);
        chunks = Math.min(g[N], MAX_CHUNKS);
        perChunk = Math.ceilDiv(g[N], chunks);
        tapsPad = Math.ceilDiv(taps, TB) * TB;
        ensureOffsets(tapsPad);
        Arrays.fill(offsets, taps, tapsPad, 0); // padding taps: computed, never stored
        int size = g[O] * taps;
        if (partials.length < chunks * size) {
            partials = new float[chunks * size];
        }
        grow(perChunk * imageLength, perChunk * coutPad * pw);
        pool.parallelFor(chunks, filterTask);
        for (int o = 0; o < g[O]; o++) {
            for (int t = 0; t < taps; t++) {
                float sum = 0;
                for (int c = 0; c < chunks; c++) {
                    sum += partials[c * size + o * taps + t];
                }
                dw[filterIndex(g, o, t / (g[KH] * g[KW]), t / g[KW] % g[KH], t % g[KW])] = sum;
            }
        }
    }

    private static int filterIndex(int[] g, int o, int c, int kh, int kw) {
        return g[WG] + o * g[WG + 1] + c * g[WG + 2] + kh * g[WG + 3] + kw * g[WG + 4];
    }

    /**
     * Records the correlation of {@code cin} source planes into {@code cout} destination planes of
     * {@code outH x outW}, the source padded by {@code top, left} (negative crops); {@link #shape}
     * then sizes it.
     */
    private void setUp(
            int[] g,
            float[] src,
            int srcAt,
            int cin,
            int srcH,
            int srcW,
            int top,
            int left,
            float[] dst,
            int dstAt,
            int cout,
            int outH,
            int outW) {
        this.g = g;
        this.src = src;
        this.srcAt = srcAt;
        this.dst = dst;
        this.dstAt = dstAt;
        this.cin = cin;
        this.srcH = srcH;
        this.srcW = srcW;
        this.top = top;
        this.left = left;
        this.cout = cout;
        this.outH = outH;
        this.outW = outW;
        coutPad = Math.ceilDiv(cout, OB) * OB;
        taps = cin * g[KH] * g[KW];
    }

    /**
     * Sizes the wide output ({@code rows} rows of width {@code wp}, the stored window from {@code
     * (storeTop, storeLeft)}), the padded source planes under it, the scratch, the tap offsets and
     * the packed filter.
     */
    private void shape(int rows, int wp, int storeTop, int storeLeft) {
        this.rows = rows;
        this.wp = wp;
        this.storeTop = storeTop;
        this.storeLeft = storeLeft;
        hp = rows + g[KH] - 1;
        ps = hp * wp;
        pw = Math.ceilDiv(rows * wp, V) * V;
        int maxOffset = (cin - 1) * ps + (g[KH] - 1) * wp + g[KW] - 1;
        imageLength = Math.max(cin * ps, pw + maxOffset);
        ensureOffsets(taps);
        for (int t = 0; t < taps; t++) {
            offsets[t] = t / (g[KH] * g[KW]) * ps + t / g[KW] % g[KH] * wp + t % g[KW];
        }
        if (packed.length < taps * coutPad) {
            packed = new float[taps * coutPad];
        }
        grow(imageLength, coutPad * pw);
    }

    private void ensureOffsets(int count) {
        if (offsets.length < count) {
            offsets = Arrays.copyOf(offsets, count);
        }
    }

    private void grow(int paddedLength, int wideLength) {
        for (int t = 0; t < padded.length; t++) {
            if (padded[t].length < paddedLength) {
                padded[t] = new float[paddedLength + CACHE_GAP];
            }
            if (wide[t].length < wideLength) {
                wide[t] = new float[wideLength + CACHE_GAP];
            }
        }
    }

    /** Copies image n's source planes, zero-padded, to {@code to[at ..]}. */
    private void pad(int n, float[] to, int at) {
        Arrays.fill(to, at, at + imageLength, 0f);
        int c0 = Math.max(0, -left), c1 = Math.min(srcW, wp - left);
        int r0 = Math.max(0, -top), r1 = Math.min(srcH, hp - top);
        if (c1 <= c0) {
            return;
        }
        for (int c = 0; c < cin; c++) {
            int from = g[srcAt] + n * g[srcAt + 1] + c * g[srcAt + 2];
            for (int r = r0; r < r1; r++) {
                System.arraycopy(
                        src, from + r * g[srcAt + 3] + c0, to, at + c * ps + (r + top) * wp + c0 + left, c1 - c0);
            }
        }
    }

    /** One image of the forward or the input gradient. */
    private void image(int n, int t) {
        float[] xs = padded[t], ys = wide[t];
        pad(n, xs, 0);
        for (int ob = 0; ob < coutPad; ob += OB) {
            int p = 0;
            for (; p + PB * V <= pw; p += PB * V) {
                DirectConvKernels.block4(xs, p, offsets, taps, packed, coutPad, ob, ys, pw);
            }
            for (; p < pw; p += V) {
                DirectConvKernels.block1(xs, p, offsets, taps, packed, coutPad, ob, ys, pw);
            }
        }
        // Rows and columns of the stored window that fall outside the wide plane (a negative
        // bottom or right padding) are touched by no tap: zero.
        int copied = Math.max(0, Math.min(outW, wp - storeLeft));
        for (int o = 0; o < cout; o++) {
            int to = g[dstAt] + n * g[dstAt + 1] + o * g[dstAt + 2];
            for (int r = 0; r < outH; r++) {
                int row = to + r * g[dstAt + 3];
                if (r + storeTop < rows) {
                    System.arraycopy(ys, o * pw + (r + storeTop) * wp + storeLeft, dst, row, copied);
                    Arrays.fill(dst, row + copied, row + outW, 0f);
                } else {
                    Arrays.fill(dst, row, row + outW, 0f);
                }
            }
        }
    }

    /** The filter gradient's partial sums over one chunk of images. */
    private void filterChunk(int chunk, int t) {
        int first = (int) ((long) chunk * g[N] / chunks), end = (int) ((long) (chunk + 1) * g[N] / chunks);
        float[] xs = padded[t], ds = wide[t], sums = lanes[t];
        int sd = coutPad * pw;
        for (int n = first; n < end; n++) {
            pad(n, xs, (n - first) * imageLength);
            int at = (n - first) * sd;
            Arrays.fill(ds, at, at + sd, 0f);
            for (int o = 0; o < g[O]; o++) {
                int from = g[YG] + n * g[YG + 1] + o * g[YG + 2];
                for (int r = 0; r < g[OH]; r++) {
                    System.arraycopy(dst, from + r * g[YG + 3], ds, at + o * pw + r * wp, g[OW]);
                }
            }
        }
        int size = g[O] * taps;
        for (int ob = 0; ob < coutPad; ob += OB) {
            for (int tb = 0; tb < tapsPad; tb += TB) {
                DirectConvKernels.gradBlock(xs, ds, end - first, imageLength, sd, pw, offsets, tb, ob, sums);
                for (int r = 0; r < OB && ob + r < g[O]; r++) {
                    for (int j = 0; j < TB && tb + j < taps; j++) {
                        float sum = 0;
                        for (int l = 0; l < V; l++) {
                            sum += sums[(r * TB + j) * V + l];
                        }
                        partials[chunk * size + (ob + r) * taps + tb + j] = sum;
                    }
                }
            }
        }
    }
}
