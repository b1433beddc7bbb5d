package dev.javelin.runtime.cpu;

/**
 * Convolution and pooling loops for generated kernels, over strided NCHW views (an NHWC tensor is
 * an NCHW view with permuted strides, so one loop nest serves both layouts). Each call gets an int
 * table of geometry, offsets and strides (see the generated code's {@code g} tables). Work splits
 * over the pool by output planes (pooling: blocks of whole planes), each written by one task in a
 * fixed order: the same bits for any number of threads. Taps on the zero padding are skipped by
 * clipping loop ranges, not tested per element. Pooling over unit-stride rows takes the fast paths
 * of {@link PoolKernels}, which give the same bits as the general loops here.
 */
public final class Windows {
    // Convolution table: N C H W, O Cg KH KW, OH OW, sh sw dh dw, top left, O/groups, then base and
    // (n, c, h, w) strides of x, w (o, c, kh, kw) and y.
    private static final int N = 0, C = 1, H = 2, W = 3, O = 4, CG = 5, KH = 6, KW = 7, OH = 8, OW = 9;
    private static final int SH = 10, SW = 11, DH = 12, DW = 13, TOP = 14, LEFT = 15, GROUP_OUT = 16;
    private static final int XG = 17, WG = 22, YG = 27;

    /** {@code y[n, o] = sum over (c, kh, kw) of x * w}: one task per (n, o) output plane. */
    public static void conv2d(CpuPool pool, float[] x, float[] w, float[] y, int[] g) {
        int planes = g[N] * g[O];
        pool.parallelFor(planes, (p, t) -> convPlane(x, w, y, g, p / g[O], p % g[O]));
    }

    private static void convPlane(float[] x, float[] w, float[] y, int[] g, int n, int o) {
        int yBase = g[YG] + n * g[YG + 1] + o * g[YG + 2];
        for (int oh = 0; oh < g[OH]; oh++) {
            for (int ow = 0; ow < g[OW]; ow++) {
                y[yBase + oh * g[YG + 3] + ow * g[YG + 4]] = 0;
            }
        }
        int group = o / g[GROUP_OUT];
        for (int c = 0; c < g[CG]; c++) {
            int xBase = g[XG] + n * g[XG + 1] + (group * g[CG] + c) * g[XG + 2];
            for (int kh = 0; kh < g[KH]; kh++) {
                for (int kw = 0; kw < g[KW]; kw++) {
                    float wv = w[g[WG] + o * g[WG + 1] + c * g[WG + 2] + kh * g[WG + 3] + kw * g[WG + 4]];
                    int owLo = firstInside(g[LEFT] - kw * g[DW], g[SW]);
                    int owHi = Math.min(g[OW], lastInside(g[W] - 1 + g[LEFT] - kw * g[DW], g[SW]) + 1);
                    for (int oh = 0; oh < g[OH]; oh++) {
                        int ih = oh * g[SH] - g[TOP] + kh * g[DH];
                        if (ih < 0 || ih >= g[H]) {
                            continue;
                        }
                        int xRow = xBase + ih * g[XG + 3] + (-g[LEFT] + kw * g[DW]) * g[XG + 4];
                        int yRow = yBase + oh * g[YG + 3];
                        int xs = g[SW] * g[XG + 4];
                        int ys = g[YG + 4];
                        if (xs == 1 && ys == 1) {
                            // unit strides (NCHW, stride 1): a loop C2 vectorizes
                            for (int ow = owLo; ow < owHi; ow++) {
                                y[yRow + ow] += wv * x[xRow + ow];
                            }
                        } else {
                            for (int ow = owLo; ow < owHi; ow++) {
                                y[yRow + ow * ys] += wv * x[xRow + ow * xs];
                            }
                        }
                    }
                }
            }
        }
    }

    /** Smallest {@code o >= 0} with {@code o * s >= need}. */
    private static int firstInside(int need, int s) {
        return need <= 0 ? 0 : Math.ceilDiv(need, s);
    }

    /** Largest {@code o} with {@code o * s <= limit} (negative when none). */
    private static int lastInside(int limit, int s) {
        return limit < 0 ? -1 : Math.floorDiv(limit, s);
    }

    /** The gradient of conv2d for its input: one task per (n, c) input plane, gathering every tap. */
    public static void conv2dBackpropInput(CpuPool pool, float[] dx, float[] w, float[] dy, int[] g) {
        int planes = g[N] * g[C];
        pool.parallelFor(planes, (p, t) -> inputPlane(dx, w, dy, g, p / g[C], p % g[C]));
    }

    private static void inputPlane(float[] dx, float[] w, float[] dy, int[] g, int n, int ic) {
        int group = ic / g[CG];
        int c = ic % g[CG];
        int xBase = g[XG] + n * g[XG + 1] + ic * g[XG + 2];
        for (int ih = 0; ih < g[H]; ih++) {
            for (int iw = 0; iw < g[W]; iw++) {
                dx[xBase + ih * g[XG + 3] + iw * g[XG + 4]] = 0;
            }
        }
        for (int o = group * g[GROUP_OUT]; o < (group + 1) * g[GROUP_OUT]; o++) {
            int yBase = g[YG] + n * g[YG + 1] + o * g[YG + 2];
            for (int kh = 0; kh < g[KH]; kh++) {
                for (int kw = 0; kw < g[KW]; kw++) {
                    float wv = w[g[WG] + o * g[WG + 1] + c * g[WG + 2] + kh * g[WG + 3] + kw * g[WG + 4]];
                    int owLo = firstInside(g[LEFT] - kw * g[DW], g[SW]);
                    int owHi = Math.min(g[OW], lastInside(g[W] - 1 + g[LEFT] - kw * g[DW], g[SW]) + 1);
                    for (int oh = 0; oh < g[OH]; oh++) {
                        int ih = oh * g[SH] - g[TOP] + kh * g[DH];
                        if (ih < 0 || ih >= g[H]) {
                            continue;
                        }
                        int xRow = xBase + ih * g[XG + 3] + (-g[LEFT] + kw * g[DW]) * g[XG + 4];
                        int yRow = yBase + oh * g[YG + 3];
                        int xs = g[SW] * g[XG + 4];
                        int ys = g[YG + 4];
                        for (int ow = owLo; ow < owHi; ow++) {
                            dx[xRow + ow * xs] += wv * dy[yRow + ow * ys];
                        }
                    }
                }
            }
        }
    }

    /** The gradient of conv2d for its filter: one task per output channel. */
    public static void conv2dBackpropFilter(CpuPool pool, float[] x, float[] dw, float[] dy, int[] g) {
        pool.parallelFor(g[O], (o, t) -> filterOf(x, dw, dy, g, o));
    }

    private static void filterOf(float[] x, float[] dw, float[] dy, int[] g, int o) {
        int group = o / g[GROUP_OUT];
        for (int c = 0; c < g[CG]; c++) {
            for (int kh = 0; kh < g[KH]; kh++) {
                for (int kw = 0; kw < g[KW]; kw++) {
                    int owLo = firstInside(g[LEFT] - kw * g[DW], g[SW]);
                    int owHi = Math.min(g[OW], lastInside(g[W] - 1 + g[LEFT] - kw * g[DW], g[SW]) + 1);
                    float acc = 0;
                    for (int n = 0; n < g[N]; n++) {
                        int xBase = g[XG] + n * g[XG + 1] + (group * g[CG] + c) * g[XG + 2];
                        int yBase = g[YG] + n * g[YG + 1] + o * g[YG + 2];
                        for (int oh = 0; oh < g[OH]; oh++) {
                            int ih = oh * g[SH] - g[TOP] + kh * g[DH];
                            if (ih < 0 || ih >= g[H]) {
                                continue;
                            }
                            int xRow = xBase + ih * g[XG + 3] + (-g[LEFT] + kw * g[DW]) * g[XG + 4];
                            int yRow = yBase + oh * g[YG + 3];
                            int xs = g[SW] * g[XG + 4];
                            int ys = g[YG + 4];
                            for (int ow = owLo; ow < owHi; ow++) {
                                acc += x[xRow + ow * xs] * dy[yRow + ow * ys];
                            }
                        }
                    }
                    dw[g[WG] + o * g[WG + 1] + c * g[WG + 2] + kh * g[WG + 3] + kw * g[WG + 4]] = acc;
                }
            }
        }
    }

    // Pooling table: N C H W, OH OW, KH KW, sh sw, top left, max?, then base and (n, c, h, w) strides
    // of x, y (the result, or dy for the gradient) and out (the result, or dx).
    private static final int P_OH = 4, P_OW = 5, P_KH = 6, P_KW = 7, P_SH = 8, P_SW = 9, P_TOP = 10, P_LEFT = 11;
    private static final int P_MAX = 12, PX = 13, PY = 18, PO = 23;

    // Pooling runs on an instance (one per generated program): the call's operands sit in fields
    // read by tasks built once, so a pooling call allocates nothing.
    private static final int PLANE_ELEMENTS = 16384; // a task's input elements, at least one plane
    private static final int GENERAL = 0, PAIR = 1, ROWS = 2;
    // Unused floats after each thread's scratch, so that two threads' scratch arrays (allocated one
    // after the other) share no cache line: without it the 10x10 gradient ran slower on two threads
    // than on one.
    private static final int CACHE_GAP = 32;
    private final CpuPool pool;
    private float[] px;
    private float[] py;
    private float[] pout;
    private int[] pg;
    private int path;
    private float[][] scratch; // per thread, for the vector gradient; set once by the constructor
    private int planesPerTask;
    private final CpuPool.Task poolTask = (b, t) -> {
        for (int p = b * planesPerTask; p < Math.min((b + 1) * planesPerTask, pg[N] * pg[C]); p++) {
            poolPlane(p / pg[C], p % pg[C]);
        }
    };
    private final CpuPool.Task gradTask = (b, t) -> {
        for (int p = b * planesPerTask; p < Math.min((b + 1) * planesPerTask, pg[N] * pg[C]); p++) {
            gradPlane(p / pg[C], p % pg[C], scratch[t]);
        }
    };

    public Windows(CpuPool pool) {
        this.pool = pool;
        scratch = new float[pool.threads()][0];
    }

    /** Max (padding counts as -inf) or average (padding counts as zeros) pooling over blocks of planes. */
    public void pool2d(float[] x, float[] y, float[] out, int[] g) {
        run(x, y, out, g, poolTask, false);
    }

    /**
     * The split depends on the sizes only (a task is a block of whole planes) and every plane is
     * computed the same way by any task, so the bits never depend on the thread count.
     */
    private void run(float[] x, float[] y, float[] out, int[] g, CpuPool.Task task, boolean backprop) {
        px = x;
        py = y;
        pout = out;
        pg = g;
        path = PoolKernels.pair(g, backprop) ? PAIR : PoolKernels.rows(g, backprop) ? ROWS : GENERAL;
        int planes = g[N] * g[C];
        if (path == PAIR && backprop) {
            for (int t = 0; t < scratch.length; t++) {
                if (scratch[t].length < PoolKernels.pairScratch(g[P_OW])) {
                    scratch[t] = new float[PoolKernels.pairScratch(g[P_OW]) + CACHE_GAP];
                }
            }
        }
        planesPerTask = Math.max(1, PLANE_ELEMENTS / Math.max(1, g[H] * g[W]));
        try {
            pool.parallelFor(Math.ceilDiv(planes, planesPerTask), task);
        } finally {
            px = py = pout = null;
            pg = null;
        }
    }

    private void poolPlane(int n, int c) {
        boolean max = pg[P_MAX] == 1;
        switch (path) {
            case PAIR -> PoolKernels.pairPool(px, pout, pg, n, c, max);
            case ROWS -> {
                if (max) {
                    PoolKernels.rowsMax(px, pout, pg, n, c);
                } else {
                    PoolKernels.rowsAverage(px, pout, pg, n, c);
                }
            }
            default -> poolPlane(px, pout, pg, n, c);
        }
    }

    private void gradPlane(int n, int c, float[] s) {
        boolean max = pg[P_MAX] == 1;
        switch (path) {
            case PAIR -> PoolKernels.pairGrad(px, py, pout, pg, n, c, max, s);
            case ROWS -> PoolKernels.rowsGrad(px, py, pout, pg, n, c, max);
            default -> gradPlane(px, py, pout, pg, n, c);
        }
    }

    static void poolPlane(float[] x, float[] y, int[] g, int n, int c) {
        boolean max = g[P_MAX] == 1;
        int height = g[H], width = g[W], oh1 = g[P_OH], ow1 = g[P_OW], kh = g[P_KH], kw = g[P_KW];
        int sh = g[P_SH], sw = g[P_SW], top = g[P_TOP], left = g[P_LEFT];
        int xsH = g[PX + 3], xsW = g[PX + 4], ysH = g[PO + 3], ysW = g[PO + 4];
        int xBase = g[PX] + n * g[PX + 1] + c * g[PX + 2];
        int yBase = g[PO] + n * g[PO + 1] + c * g[PO + 2];
        float scale = 1f / (kh * kw);
        for (int oh = 0; oh < oh1; oh++) {
            int h0 = oh * sh - top;
            int i0 = Math.max(0, -h0);
            int i1 = Math.min(kh, height - h0);
            for (int ow = 0; ow < ow1; ow++) {
                int w0 = ow * sw - left;
                int j0 = Math.max(0, -w0);
                int j1 = Math.min(kw, width - w0);
                float acc = max ? Float.NEGATIVE_INFINITY : 0;
                for (int i = i0; i < i1; i++) {
                    int row = xBase + (h0 + i) * xsH + w0 * xsW;
                    for (int j = j0; j < j1; j++) {
                        float v = x[row + j * xsW];
                        acc = max ? Math.max(acc, v) : acc + v;
                    }
                }
                y[yBase + oh * ysH + ow * ysW] = max ? acc : acc * scale;
            }
        }
    }

    /**
     * The gradient of pooling: max sends each output's gradient to the first position holding the
     * window's maximum (NaN counting as largest), average spreads it evenly.
     */
    public void pool2dBackprop(float[] x, float[] dy, float[] dx, int[] g) {
        run(x, dy, dx, g, gradTask, true);
    }

    static void gradPlane(float[] x, float[] dy, float[] dx, int[] g, int n, int c) {
        boolean max = g[P_MAX] == 1;
        int height = g[H], width = g[W], oh1 = g[P_OH], ow1 = g[P_OW], kh = g[P_KH], kw = g[P_KW];
        int sh = g[P_SH], sw = g[P_SW], top = g[P_TOP], left = g[P_LEFT];
        int xsH = g[PX + 3], xsW = g[PX + 4], ysH = g[PY + 3], ysW = g[PY + 4], dsH = g[PO + 3], dsW = g[PO + 4];
        int xBase = g[PX] + n * g[PX + 1] + c * g[PX + 2];
        int yBase = g[PY] + n * g[PY + 1] + c * g[PY + 2];
        int dBase = g[PO] + n * g[PO + 1] + c * g[PO + 2];
        for (int ih = 0; ih < height; ih++) {
            for (int iw = 0; iw < width; iw++) {
                dx[dBase + ih * dsH + iw * dsW] = 0;
            }
        }
        float scale = 1f / (kh * kw);
        for (int oh = 0; oh < oh1; oh++) {
            int h0 = oh * sh - top;
            int i0 = Math.max(0, -h0);
            int i1 = Math.min(kh, height - h0);
            for (int ow = 0; ow < ow1; ow++) {
                int w0 = ow * sw - left;
                int j0 = Math.max(0, -w0);
                int j1 = Math.min(kw, width - w0);
                float gy = dy[yBase + oh * ysH + ow * ysW];
                if (!max) {
                    for (int i = i0; i < i1; i++) {
                        for (int j = j0; j < j1; j++) {
                            dx[dBase + (h0 + i) * dsH + (w0 + j) * dsW] += gy * scale;
                        }
                    }
                    continue;
                }
                // The first position holding the window's maximum (a NaN counts as the largest).
                int bestH = -1;
                int bestW = -1;
                float best = 0;
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        float v = x[xBase + (h0 + i) * xsH + (w0 + j) * xsW];
                        if (bestH < 0 || v > best || (v != v && best == best)) {
                            bestH = h0 + i;
                            bestW = w0 + j;
                            best = v;
                        }
                    }
                }
                if (bestH >= 0) {
                    dx[dBase + bestH * dsH + bestW * dsW] += gy;
                }
            }
        }
    }
}
