package dev.javelin.runtime.cpu;

import static dev.javelin.runtime.cpu.GemmKernel.MR;
import static dev.javelin.runtime.cpu.GemmKernel.NR;
import static dev.javelin.runtime.cpu.GemmKernel.VL;

import java.util.Arrays;
import java.util.Objects;

/**
 * Single-precision matrix multiply {@code C = A·B} on the JDK Vector API, in the GotoBLAS/BLIS
 * style: A and B are packed block by block into contiguous micro-panels (so any strides, transposes
 * included, run at the same speed) and a register-blocked micro-kernel ({@link GemmKernel}) does
 * the arithmetic, with cache blocking around it: {@link #KC} columns of A per pass, {@link #MC} rows
 * of A per block (kept in L2), {@link #NC} columns of B per shared block (kept in L3).
 *
 * <p>Four paths, chosen by shape, because one blocking cannot serve a matrix-vector product, a
 * narrow projection, a small batch and a large product alike:
 *
 * <ul>
 *   <li>up to {@link #ROWS} rows with row-major B: no packing, B streamed once ({@link GemmRows});
 *   <li>at most {@link #NARROW_N} columns and {@link #NARROW_K} deep: no packing, rows split over
 *       the threads, four at a time against B as it lies ({@link GemmSmall});
 *   <li>up to {@link #MC} rows: one pool call; each task packs A and its own strip of B;
 *   <li>more rows: per block of B, the threads pack it together, then share it.
 * </ul>
 *
 * <p>Work is split over the {@link CpuPool} by blocks of C, and each element of C is one FMA chain
 * over k in order (see {@link GemmKernel}), so results are bit-identical for any number of threads,
 * any blocking and any path. Problems under {@link #SERIAL_FLOPS} run on the calling thread. All
 * workspace is allocated by the constructor: a steady-state multiply allocates nothing.
 *
 * <p>Not thread-safe: one instance runs one multiply at a time (its workspace is shared by its
 * calls; reentrant use from an epilogue is detected and refused). Use one per thread that issues
 * multiplies, and do not call it from inside a task of its own pool.
 */
public final class Gemm {
    /** Called once per finished block of C (all of k summed): rows [i0,i1), columns [j0,j1). */
    @FunctionalInterface
    public interface Epilogue {
        void apply(int i0, int i1, int j0, int j1);
    }

    /** The epilogue that does nothing. */
    public static final Epilogue NONE = (i0, i1, j0, j1) -> {};

    /** Depth of a pass: a {@code KC × NR} micro-panel of B (24 KiB with AVX2, 32 KiB with
     * AVX-512) stays in L1 or close to it. */
    static final int KC = 256;

    /** Rows of A per block: an {@code MC × KC} block of packed A (120 KiB with AVX2, 320 KiB
     * with AVX-512) stays in L2. */
    static final int MC = 40 * MR;

    /** Columns of B packed together and shared by all threads for large m (4 MiB, in L3). */
    static final int NC = roundUp(4096, NR);

    /** Up to this many rows of A (with row-major B) take the matrix-vector path, {@link GemmRows}. */
    static final int ROWS = 2;

    /** The least number of columns worth a task of its own on the matrix-vector path. */
    static final int ROW_COLUMNS = 128;

    /**
     * Below this many flops, handing work to the other threads costs more than it saves (measured
     * with workers still spinning from the previous call: 64³ gains a third on two threads, 32×64×64
     * gains nothing).
     */
    static final long SERIAL_FLOPS = 1L << 19;

    private final CpuPool pool;
    private final float[] bShared = new float[KC * NC];
    private final float[][] aPacks;
    private final float[][] bPacks;
    private final float[][] tiles;
    private final CpuPool.Task rowsTask = this::rows;
    private final CpuPool.Task stripTask = this::strip;
    private final CpuPool.Task packTask = this::packShared;
    private final CpuPool.Task blockTask = this::block;
    private final CpuPool.Task batchTask = this::batch;
    private final CpuPool.Task narrowTask = this::narrow;
    private boolean busy;

    // The multiply in progress, read by the tasks (published to workers by the pool's barrier).
    private int m, n, k;
    private float[] a, b, c;
    private int aOff, aRow, aCol, bOff, bRow, bCol, cOff, ldc;
    private Epilogue epilogue;
    private int kBlocks, kcEach;
    private int rowEach, colParts, colEach;
    private int jc, nc, p0, kc, packEach;
    private int[] table;
    private int products, productEach;

    /** Allocates the packing buffers for every thread of {@code pool}, sized for any m, n, k. */
    public Gemm(CpuPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
        int threads = pool.threads();
        aPacks = new float[threads][MC * KC];
        bPacks = new float[threads][Math.max(KC * NR, Math.max(SMALL * SMALL, NARROW_N * NARROW_K))];
        tiles = new float[threads][MR * NR + 16]; // + one cache line: the threads' tiles never share one
    }

    /**
     * C = A·B (C overwritten, not accumulated), all float32 in float[] arrays (a, b, c may be the
     * SAME array at different offsets — the program keeps everything in one big float[]; C must not
     * overlap A or B). A element (i,p) is a[aOff + i*aRow + p*aCol]; B element (p,j) is
     * b[bOff + p*bRow + j*bCol]; C element (i,j) is c[cOff + i*ldc + j]. Strides are arbitrary
     * non-negative ints (so transposed operands are just swapped strides). m, n, k >= 0 (k == 0
     * gives zeros). After each block of C is complete, epilogue.apply(...) is called for that block,
     * possibly from a worker thread; every element of C is covered by exactly one call.
     *
     * <p>Element (i,j) of C is computed as {@code s = fma(A(i,p), B(p,j), s)} for p = 0 .. k-1 in
     * order, from s = +0: the same float for any thread count, blocking or path.
     *
     * @throws IllegalArgumentException for negative sizes, offsets or strides, or {@code ldc < n}
     * @throws IndexOutOfBoundsException if an operand reaches past the end of its array (checked
     *     before anything is written)
     * @throws IllegalStateException if called while this instance is already multiplying
     */
    public void multiply(
            int m,
            int n,
            int k,
            float[] a,
            int aOff,
            int aRow,
            int aCol,
            float[] b,
            int bOff,
            int bRow,
            int bCol,
            float[] c,
            int cOff,
            int ldc,
            Epilogue epilogue) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative size: m=" + m + ", n=" + n + ", k=" + k);
        }
        Objects.requireNonNull(epilogue, "epilogue");
        checkOperand("A", a, aOff, m, aRow, k, aCol);
        checkOperand("B", b, bOff, k, bRow, n, bCol);
        checkOperand("C", c, cOff, m, ldc, n, 1);
        if (m > 1 && ldc < n) {
            throw new IllegalArgumentException("rows of C overlap: ldc=" + ldc + " < n=" + n);
        }
        if (m == 0 || n == 0) {
            return;
        }
        if (busy) {
            throw new IllegalStateException("Gemm is not reentrant: one multiply at a time per instance");
        }
        busy = true;
        try {
            this.m = m;
            this.n = n;
            this.k = k;
            this.a = a;
            this.aOff = aOff;
            this.aRow = aRow;
            this.aCol = aCol;
            this.b = b;
            this.bOff = bOff;
            this.bRow = bRow;
            this.bCol = bCol;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.epilogue = epilogue;
            run();
        } finally {
            this.a = this.b = this.c = null;
            this.epilogue = null;
            busy = false;
        }
    }

    /** Products at most this wide ({@code n}) and {@link #NARROW_K} deep take the unpacked path. */
    static final int NARROW_N = 64;

    static final int NARROW_K = 256;

    /** Largest m, n and k (each) of a product {@link #batched} runs on {@link GemmSmall}. */
    public static final int SMALL = 64;

    /** Table entries of {@link #batched} before the batch axes, and per batch axis. */
    private static final int HEAD = 12, AXIS = 4;

    /**
     * Whether a batch of products of this size runs as one {@link #batched} call: each product is
     * small enough that packing it and splitting it over the threads costs more than the arithmetic.
     */
    public static boolean batchable(long m, long n, long k) {
        return m <= SMALL && n <= SMALL && k <= SMALL;
    }

    /**
     * A batch of small products, {@code C[b] = A[b]·B[b]} for every index b of the batch axes, in one
     * call of the pool (products split over the threads, each done whole by one thread on {@link
     * GemmSmall}). The int table {@code g} holds {@code m, n, k, aOff, aRow, aCol, bOff, bRow, bCol,
     * cOff, ldc, axes}, then per batch axis its size and the stride of A, B and C along it (0 for an
     * operand broadcast over it). Each element is the same FMA chain as in {@link #multiply}, so the
     * result is bit-identical to one {@code multiply} per product. Needs {@link #batchable} sizes.
     */
    public void batched(int[] g, float[] a, float[] b, float[] c) {
        int m = g[0], n = g[1], k = g[2];
        if (!batchable(m, n, k) || m == 0 || n == 0) {
            throw new IllegalArgumentException(
                    "batched products must be 1 to " + SMALL + " in each size, got m=" + m + ", n=" + n + ", k=" + k);
        }
        int count = 1;
        int lastA = g[3], lastB = g[6], lastC = g[9];
        for (int d = 0; d < g[11]; d++) {
            int at = HEAD + AXIS * d;
            count = Math.multiplyExact(count, g[at]);
            lastA += (g[at] - 1) * g[at + 1];
            lastB += (g[at] - 1) * g[at + 2];
            lastC += (g[at] - 1) * g[at + 3];
        }
        if (count == 0) {
            return;
        }
        checkOperand("A", a, lastA, m, g[4], k, g[5]);
        checkOperand("B", b, lastB, k, g[7], n, g[8]);
        checkOperand("C", c, lastC, m, g[10], n, 1);
        if (busy) {
            throw new IllegalStateException("Gemm is not reentrant: one multiply at a time per instance");
        }
        busy = true;
        try {
            this.table = g;
            this.a = a;
            this.b = b;
            this.c = c;
            this.products = count;
            long flops = 2L * m * n * k * count;
            int tasks = flops < SERIAL_FLOPS ? 1 : Math.min(count, 4 * pool.threads());
            productEach = Math.ceilDiv(count, tasks);
            pool.parallelFor(Math.ceilDiv(count, productEach), batchTask);
        } finally {
            this.a = this.b = this.c = null;
            this.table = null;
            busy = false;
        }
    }

    private void batch(int index, int thread) {
        int[] g = table;
        int m = g[0], n = g[1], k = g[2];
        float[] scratch = bPacks[thread];
        for (int q = index * productEach, end = Math.min(products, q + productEach); q < end; q++) {
            int ao = g[3], bo = g[6], co = g[9];
            for (int d = g[11] - 1, rest = q; d >= 0; d--) {
                int at = HEAD + AXIS * d;
                int i = rest % g[at];
                rest /= g[at];
                ao += i * g[at + 1];
                bo += i * g[at + 2];
                co += i * g[at + 3];
            }
            if (g[8] == 1) {
                GemmSmall.product(m, n, k, a, ao, g[4], g[5], b, bo, g[7], c, co, g[10]);
            } else {
                float[] rows = GemmSmall.rowMajor(b, bo, g[7], g[8], k, n, scratch);
                GemmSmall.product(m, n, k, a, ao, g[4], g[5], rows, 0, n, c, co, g[10]);
            }
        }
    }

    private void run() {
        if (k == 0) {
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            }
            epilogue.apply(0, m, 0, n);
            return;
        }
        kBlocks = Math.ceilDiv(k, KC);
        kcEach = Math.ceilDiv(k, kBlocks);
        int threads = 2L * m * n * k < SERIAL_FLOPS ? 1 : pool.threads();
        if (m <= ROWS && bCol == 1) {
            runRows(threads);
        } else if (n <= NARROW_N && k <= NARROW_K) {
            runNarrow(threads);
        } else if (m <= MC) {
            runStrips(threads);
        } else {
            runBlocks(threads);
        }
    }

    /** One or two rows with row-major B: split the columns, stream B (see {@link GemmRows}). */
    private void runRows(int threads) {
        int parts = Math.min(threads, Math.ceilDiv(n, ROW_COLUMNS));
        colEach = roundUp(Math.ceilDiv(n, parts), VL);
        pool.parallelFor(Math.ceilDiv(n, colEach), rowsTask);
    }

    private void rows(int index, int thread) {
        int j0 = index * colEach;
        int j1 = Math.min(n, j0 + colEach);
        for (int i = 0; i < m; i++) {
            GemmRows.row(k, a, aOff + i * aRow, aCol, b, bOff, bRow, c, cOff + i * ldc, j0, j1);
        }
        epilogue.apply(0, m, j0, j1);
    }

    /**
     * Few columns and a short k (a projection to 32 features from 32): B fits L1 as it is, so
     * nothing is packed; the rows are split over the threads and {@link GemmSmall} sweeps each
     * task's rows four at a time. The packed path would pad every 32-column tile to {@link #NR} and
     * copy it through a scratch tile, and pack A only to read it once.
     */
    private void runNarrow(int threads) {
        int tasks = threads == 1 ? 1 : Math.min(Math.ceilDiv(m, 4), 4 * threads);
        rowEach = roundUp(Math.ceilDiv(m, tasks), 4);
        pool.parallelFor(Math.ceilDiv(m, rowEach), narrowTask);
    }

    private void narrow(int index, int thread) {
        int i0 = index * rowEach;
        int i1 = Math.min(m, i0 + rowEach);
        int rows = i1 - i0;
        if (bCol == 1) {
            GemmSmall.product(rows, n, k, a, aOff + i0 * aRow, aRow, aCol, b, bOff, bRow, c, cOff + i0 * ldc, ldc);
        } else {
            float[] bs = GemmSmall.rowMajor(b, bOff, bRow, bCol, k, n, bPacks[thread]);
            GemmSmall.product(rows, n, k, a, aOff + i0 * aRow, aRow, aCol, bs, 0, n, c, cOff + i0 * ldc, ldc);
        }
        epilogue.apply(i0, i1, 0, n);
    }

    /**
     * A (all of m) fits one block, so split C into strips of columns (and rows, if there are too few
     * columns for the threads) and let one call of the pool do it all. Each task packs its slice of B
     * itself, one micro-panel at a time right before the kernel streams it, so the packed panel is
     * still in L1 (with few rows of A, packing B is a large part of the work; measured 3-5% faster
     * than packing 512-column blocks, also when B comes from memory). Each element of B is still
     * packed once.
     */
    private void runStrips(int threads) {
        int panels = Math.ceilDiv(n, NR);
        int cols = Math.min(panels, threads);
        int rows = Math.min(Math.ceilDiv(m, MR), Math.max(1, threads / cols));
        setColumnSplit(panels, cols);
        rowEach = roundUp(Math.ceilDiv(m, rows), MR);
        rows = Math.ceilDiv(m, rowEach);
        pool.parallelFor(rows * colParts, stripTask);
    }

    private void strip(int index, int thread) {
        int i0 = index / colParts * rowEach;
        int i1 = Math.min(m, i0 + rowEach);
        int j0 = index % colParts * colEach * NR;
        int j1 = Math.min(n, j0 + colEach * NR);
        float[] aPack = aPacks[thread];
        float[] bPack = bPacks[thread];
        for (int kb = 0; kb < kBlocks; kb++) {
            int p = kb * kcEach;
            int depth = Math.min(kcEach, k - p);
            GemmPacking.packA(a, aOff, aRow, aCol, i0, i1 - i0, p, depth, aPack);
            for (int j = j0; j < j1; j += NR) {
                int width = Math.min(NR, j1 - j);
                GemmPacking.packB(b, bOff, bRow, bCol, j, width, p, depth, bPack, 0);
                GemmKernel.block(
                        i1 - i0,
                        width,
                        depth,
                        aPack,
                        bPack,
                        0,
                        depth * NR,
                        c,
                        cOff + i0 * ldc + j,
                        ldc,
                        kb > 0,
                        tiles[thread]);
            }
        }
        epilogue.apply(i0, i1, j0, j1);
    }

    /**
     * Large m: for each shared block of B ({@link #NC} columns × {@link #KC} rows), the threads first
     * pack it together, then each multiplies its own row blocks of A (and column strips, if there
     * are fewer row blocks than threads) against it.
     */
    private void runBlocks(int threads) {
        int blocks = Math.ceilDiv(m, MC);
        if (threads > 1) {
            blocks = Math.min(roundUp(blocks, threads), Math.ceilDiv(m, MR));
        }
        rowEach = roundUp(Math.ceilDiv(m, blocks), MR);
        int rows = Math.ceilDiv(m, rowEach);
        for (jc = 0; jc < n; jc += NC) {
            nc = Math.min(NC, n - jc);
            int panels = Math.ceilDiv(nc, NR);
            setColumnSplit(panels, rows >= threads ? 1 : Math.min(panels, Math.ceilDiv(threads, rows)));
            int packs = Math.min(panels, threads);
            packEach = Math.ceilDiv(panels, packs);
            for (int kb = 0; kb < kBlocks; kb++) {
                p0 = kb * kcEach;
                kc = Math.min(kcEach, k - p0);
                pool.parallelFor(Math.ceilDiv(panels, packEach), packTask);
                pool.parallelFor(rows * colParts, blockTask);
            }
        }
    }

    private void packShared(int index, int thread) {
        int j0 = index * packEach * NR;
        int width = Math.min(nc - j0, packEach * NR);
        GemmPacking.packB(b, bOff, bRow, bCol, jc + j0, width, p0, kc, bShared, j0 * kc);
    }

    private void block(int index, int thread) {
        int i0 = index / colParts * rowEach;
        int i1 = Math.min(m, i0 + rowEach);
        int j0 = index % colParts * colEach * NR;
        int j1 = Math.min(nc, j0 + colEach * NR);
        float[] aPack = aPacks[thread];
        GemmPacking.packA(a, aOff, aRow, aCol, i0, i1 - i0, p0, kc, aPack);
        GemmKernel.block(
                i1 - i0,
                j1 - j0,
                kc,
                aPack,
                bShared,
                j0 * kc,
                kc * NR,
                c,
                cOff + i0 * ldc + jc + j0,
                ldc,
                p0 > 0,
                tiles[thread]);
        if (p0 + kc == k) {
            epilogue.apply(i0, i1, jc + j0, jc + j1);
        }
    }

    private void setColumnSplit(int panels, int parts) {
        colEach = Math.ceilDiv(panels, parts);
        colParts = Math.ceilDiv(panels, colEach);
    }

    private static void checkOperand(
            String name, float[] x, int off, int rows, int rowStride, int cols, int colStride) {
        Objects.requireNonNull(x, name);
        if (off < 0 || rowStride < 0 || colStride < 0) {
            throw new IllegalArgumentException(name + ": negative offset or stride (offset " + off + ", strides "
                    + rowStride + ", " + colStride + ")");
        }
        if (rows > 0 && cols > 0) {
            long last = off + (long) (rows - 1) * rowStride + (long) (cols - 1) * colStride;
            if (last >= x.length) {
                throw new IndexOutOfBoundsException(
                        name + ": element " + last + " is past the end of an array of " + x.length);
            }
        }
    }

    private static int roundUp(int x, int multiple) {
        return Math.ceilDiv(x, multiple) * multiple;
    }
}
