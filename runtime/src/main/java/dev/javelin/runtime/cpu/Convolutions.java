package dev.javelin.runtime.cpu;

/**
 * Convolutions: few input channels at stride 1 run as {@link DirectConv}'s vector loops; the rest
 * as matrix products: each image's input windows are unrolled into a column matrix
 * (im2col, {@code K = C/groups * KH * KW} rows by {@code OH * OW} columns) and multiplied by the
 * filter with the packed GEMM; the input gradient multiplies the other way and scatters the
 * columns back (col2im); the filter gradient sums per-image products. Works over the same strided
 * NCHW views and geometry tables as {@link Windows}, so NHWC tensors need no conversion: the
 * product is oriented so that the output's unit stride is the GEMM's row.
 *
 * <p>Images are split into a fixed number of chunks (by the batch size only) run on the pool, each
 * thread with its own single-threaded GEMM and column buffer; the filter gradient sums each chunk's
 * images in order and then the chunks in order, so any number of threads gives the same bits.
 * Buffers grow on first use and are reused: a steady-state step allocates nothing.
 */
public final class Convolutions {
    private static final int N = 0, C = 1, H = 2, W = 3, O = 4, CG = 5, KH = 6, KW = 7, OH = 8, OW = 9;
    private static final int SH = 10, SW = 11, DH = 12, DW = 13, TOP = 14, LEFT = 15, GROUP_OUT = 16;
    private static final int XG = 17, WG = 22, YG = 27;
    private static final int MAX_CHUNKS = 16;

    private final CpuPool pool;
    private final DirectConv direct;
    private final DepthwiseConv depthwise;
    private final Gemm[] gemms;
    private final float[][] cols;
    private final float[][] products;
    private float[] partials = new float[0];

    // The call in progress, read by the tasks.
    private float[] x, w, y;
    private int[] g;
    private int chunks;
    private final CpuPool.Task forwardTask = this::forwardChunk;
    private final CpuPool.Task inputTask = this::inputChunk;
    private final CpuPool.Task filterTask = this::filterChunk;

    public Convolutions(CpuPool pool) {
        this.pool = pool;
        this.direct = new DirectConv(pool);
        this.depthwise = new DepthwiseConv(pool);
        int threads = pool.threads();
        gemms = new Gemm[threads];
        cols = new float[threads][];
        products = new float[threads][];
        CpuPool serial = new CpuPool(1);
        for (int t = 0; t < threads; t++) {
            gemms[t] = new Gemm(serial);
            cols[t] = new float[0];
            products[t] = new float[0];
        }
    }

    /** Whether the filter's (c, kh, kw) elements are one dense block in row-major order (OIHW). */
    private static boolean denseFilter(int[] g) {
        return g[WG + 4] == 1 && g[WG + 3] == g[KW] && g[WG + 2] == g[KH] * g[KW];
    }

    /** Whether the filter's (kh, kw, c) elements are one dense block (OHWI, the NHWC filter). */
    private static boolean denseFilterLast(int[] g) {
        return g[WG + 2] == 1 && g[WG + 4] == g[CG] && g[WG + 3] == g[KW] * g[CG];
    }

    /**
     * Whether each group reads one input channel (a depthwise convolution, as MobileNets have):
     * im2col would make one tiny product per group ({@code KH * KW} deep, a few output rows), whose
     * packing costs more than its multiply-adds and which uses one thread at batch 1, so {@link
     * DepthwiseConv}'s vector loops (rows of unit stride) or {@link Windows}' loops (the rest), one
     * output plane per task, run it instead.
     */
    static boolean depthwise(int[] g) {
        return g[CG] == 1 && g[GROUP_OUT] < g[O];
    }

    /**
     * Whether this geometry runs as matrix products (else {@link Windows}' loops do): the filter's
     * taps form one dense block, and the output positions (oh, ow) one stride (NCHW and NHWC both).
     */
    public static boolean supports(int[] g) {
        boolean positions = g[YG + 3] == g[OW] * g[YG + 4];
        boolean orientable = g[YG + 4] == 1 || g[YG + 2] == 1;
        return (denseFilter(g) || denseFilterLast(g)) && positions && orientable;
    }

    /** The forward convolution {@code y = conv(x, w)}. */
    public void conv2d(float[] x, float[] w, float[] y, int[] g) {
        if (DepthwiseConv.supports(g)) {
            depthwise.forward(x, w, y, g);
            return;
        }
        if (depthwise(g)) {
            Windows.conv2d(pool, x, w, y, g);
            return;
        }
        if (DirectConv.supports(g)) {
            direct.forward(x, w, y, g);
            return;
        }
        if (!supports(g)) {
            Windows.conv2d(pool, x, w, y, g);
            return;
        }
        start(x, w, y, g);
        pool.parallelFor(chunks, forwardTask);
    }

    /** The input gradient {@code dx} from {@code dy} and the filter. */
    public void conv2dBackpropInput(float[] dx, float[] w, float[] dy, int[] g) {
        if (DirectConv.supports(g)) {
            direct.backpropInput(dx, w, dy, g);
            return;
        }
        if (!supports(g)) {
            Windows.conv2dBackpropInput(pool, dx, w, dy, g);
            return;
        }
        start(dx, w, dy, g);
        pool.parallelFor(chunks, inputTask);
    }

    /** The filter gradient {@code dw} from the input and {@code dy}. */
    public void conv2dBackpropFilter(float[] x, float[] dw, float[] dy, int[] g) {
        if (DirectConv.supports(g)) {
            direct.backpropFilter(x, dw, dy, g);
            return;
        }
        if (!supports(g)) {
            Windows.conv2dBackpropFilter(pool, x, dw, dy, g);
            return;
        }
        start(x, dw, dy, g);
        int size = g[O] * k(g);
        if (partials.length < chunks * size) {
            partials = new float[chunks * size];
        }
        pool.parallelFor(chunks, filterTask);
        for (int o = 0; o < g[O]; o++) {
            for (int q = 0; q < k(g); q++) {
                float sum = 0;
                for (int c = 0; c < chunks; c++) {
                    sum += partials[c * size + o * k(g) + q];
                }
                dw[filterIndex(g, o, q)] = sum;
            }
        }
    }

    private void start(float[] x, float[] w, float[] y, int[] g) {
        this.x = x;
        this.w = w;
        this.y = y;
        this.g = g;
        this.chunks = Math.max(1, Math.min(g[N], MAX_CHUNKS));
        int need = k(g) * g[OH] * g[OW];
        for (int t = 0; t < cols.length; t++) {
            if (cols[t].length < need) {
                cols[t] = new float[need];
            }
            if (products[t].length < g[GROUP_OUT] * k(g)) {
                products[t] = new float[g[GROUP_OUT] * k(g)];
            }
        }
    }

    private static int k(int[] g) {
        return g[CG] * g[KH] * g[KW];
    }

    /** Column row q of the unrolled input: (c, kh, kw) in the filter's memory order. */
    private static int tapC(int[] g, int q) {
        return denseFilter(g) ? q / (g[KH] * g[KW]) : q % g[CG];
    }

    private static int tapKh(int[] g, int q) {
        return denseFilter(g) ? (q / g[KW]) % g[KH] : q / (g[KW] * g[CG]);
    }

    private static int tapKw(int[] g, int q) {
        return denseFilter(g) ? q % g[KW] : (q / g[CG]) % g[KW];
    }

    private static int filterIndex(int[] g, int o, int q) {
        return g[WG] + o * g[WG + 1] + tapC(g, q) * g[WG + 2] + tapKh(g, q) * g[WG + 3] + tapKw(g, q) * g[WG + 4];
    }

    /** Unrolls image n, group gr into col[q][p] (p = oh * OW + ow); padding gives zeros. */
    private static void im2col(float[] x, int[] g, int n, int gr, float[] col) {
        int p = g[OH] * g[OW];
        int kk = k(g);
        for (int q = 0; q < kk; q++) {
            int c = gr * g[CG] + tapC(g, q);
            int kh = tapKh(g, q);
            int kw = tapKw(g, q);
            int xBase = g[XG] + n * g[XG + 1] + c * g[XG + 2];
            int row = q * p;
            for (int oh = 0; oh < g[OH]; oh++) {
                int ih = oh * g[SH] - g[TOP] + kh * g[DH];
                int at = row + oh * g[OW];
                if (ih < 0 || ih >= g[H]) {
                    java.util.Arrays.fill(col, at, at + g[OW], 0f);
                    continue;
                }
                int xRow = xBase + ih * g[XG + 3];
                for (int ow = 0; ow < g[OW]; ow++) {
                    int iw = ow * g[SW] - g[LEFT] + kw * g[DW];
                    col[at + ow] = iw >= 0 && iw < g[W] ? x[xRow + iw * g[XG + 4]] : 0f;
                }
            }
        }
    }

    private int first(int chunk) {
        return (int) ((long) chunk * g[N] / chunks);
    }

    private void forwardChunk(int chunk, int t) {
        int p = g[OH] * g[OW];
        int kk = k(g);
        int og = g[GROUP_OUT];
        int groups = g[O] / og;
        int ks = denseFilter(g) ? g[WG + 4] : g[WG + 2];
        boolean rowsAreChannels = g[YG + 4] == 1 && g[YG + 3] == g[OW];
        for (int n = first(chunk); n < first(chunk + 1); n++) {
            for (int gr = 0; gr < groups; gr++) {
                im2col(x, g, n, gr, cols[t]);
                int wOff = g[WG] + gr * og * g[WG + 1];
                int yOff = g[YG] + n * g[YG + 1] + gr * og * g[YG + 2];
                if (rowsAreChannels) {
                    // y[o][p] = sum_q w[o][q] * col[q][p]: rows are channels, p has unit stride.
                    gemms[t].multiply(
                            og, p, kk, w, wOff, g[WG + 1], ks, cols[t], 0, p, 1, y, yOff, g[YG + 2], Gemm.NONE);
                } else {
                    // y[p][o] = sum_q col[q][p] * w[o][q]: rows are positions, channels have unit stride.
                    gemms[t].multiply(
                            p, og, kk, cols[t], 0, 1, p, w, wOff, ks, g[WG + 1], y, yOff, g[YG + 4], Gemm.NONE);
                }
            }
        }
    }

    private void inputChunk(int chunk, int t) {
        int p = g[OH] * g[OW];
        int kk = k(g);
        int og = g[GROUP_OUT];
        int groups = g[O] / og;
        int ks = denseFilter(g) ? g[WG + 4] : g[WG + 2];
        float[] dcol = cols[t];
        // Here x is dx and y is dy.
        for (int n = first(chunk); n < first(chunk + 1); n++) {
            for (int c = 0; c < g[C]; c++) {
                int base = g[XG] + n * g[XG + 1] + c * g[XG + 2];
                for (int ih = 0; ih < g[H]; ih++) {
                    for (int iw = 0; iw < g[W]; iw++) {
                        x[base + ih * g[XG + 3] + iw * g[XG + 4]] = 0;
                    }
                }
            }
            for (int gr = 0; gr < groups; gr++) {
                int wOff = g[WG] + gr * og * g[WG + 1];
                int yOff = g[YG] + n * g[YG + 1] + gr * og * g[YG + 2];
                // dcol[q][p] = sum_o w[o][q] * dy[o][p]
                gemms[t].multiply(
                        kk, p, og, w, wOff, ks, g[WG + 1], y, yOff, g[YG + 2], g[YG + 4], dcol, 0, p, Gemm.NONE);
                col2im(x, g, n, gr, dcol);
            }
        }
    }

    /** Adds columns back into image n of dx, tap by tap in a fixed order. */
    private static void col2im(float[] dx, int[] g, int n, int gr, float[] col) {
        int p = g[OH] * g[OW];
        for (int q = 0; q < k(g); q++) {
            int c = gr * g[CG] + tapC(g, q);
            int kh = tapKh(g, q);
            int kw = tapKw(g, q);
            int xBase = g[XG] + n * g[XG + 1] + c * g[XG + 2];
            for (int oh = 0; oh < g[OH]; oh++) {
                int ih = oh * g[SH] - g[TOP] + kh * g[DH];
                if (ih < 0 || ih >= g[H]) {
                    continue;
                }
                int xRow = xBase + ih * g[XG + 3];
                int at = q * p + oh * g[OW];
                for (int ow = 0; ow < g[OW]; ow++) {
                    int iw = ow * g[SW] - g[LEFT] + kw * g[DW];
                    if (iw >= 0 && iw < g[W]) {
                        dx[xRow + iw * g[XG + 4]] += col[at + ow];
                    }
                }
            }
        }
    }

    private void filterChunk(int chunk, int t) {
        int p = g[OH] * g[OW];
        int kk = k(g);
        int og = g[GROUP_OUT];
        int groups = g[O] / og;
        int size = g[O] * kk;
        java.util.Arrays.fill(partials, chunk * size, (chunk + 1) * size, 0f);
        float[] prod = products[t];
        // Here w is dw and y is dy.
        for (int n = first(chunk); n < first(chunk + 1); n++) {
            for (int gr = 0; gr < groups; gr++) {
                im2col(x, g, n, gr, cols[t]);
                int yOff = g[YG] + n * g[YG + 1] + gr * og * g[YG + 2];
                // prod[o][q] = sum_p dy[o][p] * col[q][p]
                int pStride = g[YG + 4];
                gemms[t].multiply(og, kk, p, y, yOff, g[YG + 2], pStride, cols[t], 0, 1, p, prod, 0, kk, Gemm.NONE);
                int at = chunk * size + gr * og * kk;
                for (int i = 0; i < og * kk; i++) {
                    partials[at + i] += prod[i];
                }
            }
        }
    }
}
