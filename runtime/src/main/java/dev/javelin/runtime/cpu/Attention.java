package dev.javelin.runtime.cpu;

import java.util.Arrays;
import java.util.Objects;

/**
 * Fused attention, {@code O = softmax(Q·Kᵀ·scale + mask)·V}, without the score matrix ever going
 * through memory: each query row keeps an online softmax (a running maximum {@code m}, a running
 * sum {@code l} and an output accumulator of length {@code dv}) while it walks the keys, a tile of
 * {@link #TILE} keys at a time. A tile's scores are computed into per-thread scratch; the running
 * state is rescaled by {@code exp(m - m')} when the tile raises the maximum to {@code m'}, and each
 * key adds {@code exp(s - m')} times its value row. The row's output is {@code acc / l}.
 *
 * <p>Operands are read by strides, so any layout works: {@code Q [.., sq, d]}, the keys either as
 * {@code Kᵀ [.., d, sk]} or as {@code K [.., sk, d]} (the table gives the stride between keys and
 * along {@code d}), {@code V [.., sk, dv]}, the mask broadcast to {@code [.., sq, sk]} (stride 0 on
 * broadcast axes) and {@code O [.., sq, dv]}.
 *
 * <p><b>Masked rows.</b> A key whose score is {@code -inf} (masked out) adds nothing, and a tile
 * whose every key is masked out is skipped, so a row with some keys left gives finite numbers
 * whatever its first keys are. A row masked out entirely has {@code l = 0} and gives {@code 0/0 =
 * NaN} in every element: exactly what the unfused kernels and the reference interpreter give for it
 * (the softmax decomposition's {@code x - max(x)} is {@code -inf - -inf = NaN} there), so fusing never
 * changes a result's NaNs.
 *
 * <p>Batch blocks (a batch index and a head) are split over the pool in runs of whole blocks, four
 * runs per thread; within a block, rows in order, four at a time where Kᵀ's keys, V's columns and
 * the mask's rows are at stride 1 (eight-lane vectors, {@link AttentionRows}), else one at a time.
 * The per-thread scratch is allocated when a call first needs more than the last one (the first
 * call, usually): a steady-state call allocates nothing. Not thread-safe: one call at a time per
 * instance.
 */
public final class Attention {
    /** Keys per tile: their scores stay in L1 scratch between the softmax update and the product. */
    static final int TILE = 64;

    /** Table entries before the batch axes, and per batch axis. */
    static final int HEAD = 20, AXIS = 6;

    private final CpuPool pool;
    private final CpuPool.Task task = this::task;
    private float[][] scores;
    private float[][] accs;
    /** Per thread: the running maximum and sum of four rows ({@link #rows4}). */
    private final float[][] states;

    private boolean busy;
    private int blocks, blockEach;

    // The call in progress, read by the tasks (published to workers by the pool's barrier).
    private int[] g;
    private float scale;
    private float[] q, k, v, mask, out;

    /** Per-thread scratch for every thread of {@code pool}, for heads up to {@code 64} wide (grown when wider). */
    public Attention(CpuPool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
        scores = new float[pool.threads()][4 * TILE];
        accs = new float[pool.threads()][4 * 64];
        states = new float[pool.threads()][8];
    }

    /**
     * {@code out = softmax(q·kᵀ·scale + mask)·v} for every batch block. The int table {@code g} holds
     * {@code sq, sk, d, dv}, then offset and strides of each operand: {@code qOff, qRow, qCol}, {@code
     * kOff, kKey, kDim} (between keys, along d), {@code vOff, vKey, vCol}, {@code oOff, oRow, oCol},
     * {@code maskOff, maskRow, maskCol} (ignored without a mask), then {@code axes} and per batch
     * axis its size and the stride of q, k, v, out and mask along it (0 where broadcast).
     *
     * @param mask the additive mask, or null for none
     */
    public void run(int[] g, float scale, float[] q, float[] k, float[] v, float[] mask, float[] out) {
        int sq = g[0], sk = g[1], d = g[2], dv = g[3];
        if (sq < 0 || sk < 1 || d < 0 || dv < 0 || g.length != HEAD + AXIS * g[19]) {
            throw new IllegalArgumentException("attention needs sq >= 0, sk >= 1, d >= 0, dv >= 0 and "
                    + (HEAD + AXIS * Math.max(0, g[19])) + " table entries, got sq=" + sq + ", sk=" + sk + ", d=" + d
                    + ", dv=" + dv + " and " + g.length + " entries");
        }
        int count = 1;
        for (int a = 0; a < g[19]; a++) {
            count = Math.multiplyExact(count, g[HEAD + AXIS * a]);
        }
        if (count == 0 || sq == 0 || dv == 0) {
            return;
        }
        check("Q", q, g, 4, 1, new int[] {sq, d});
        check("K", k, g, 7, 2, new int[] {sk, d});
        check("V", v, g, 10, 3, new int[] {sk, dv});
        check("O", out, g, 13, 4, new int[] {sq, dv});
        if (mask != null) {
            check("mask", mask, g, 16, 5, new int[] {sq, sk});
        }
        if (busy) {
            throw new IllegalStateException("Attention is not reentrant: one call at a time per instance");
        }
        busy = true;
        try {
            if (accs[0].length < 4 * dv) {
                accs = new float[pool.threads()][4 * dv];
            }
            this.g = g;
            this.scale = scale;
            this.q = q;
            this.k = k;
            this.v = v;
            this.mask = mask;
            this.out = out;
            // A few tasks per thread, each a run of whole blocks: one claim of the pool's counter per
            // block would cost more than an 8x8 head's arithmetic.
            blocks = count;
            blockEach = Math.ceilDiv(count, Math.min(count, 4 * pool.threads()));
            pool.parallelFor(Math.ceilDiv(count, blockEach), task);
        } finally {
            this.q = this.k = this.v = this.mask = this.out = null;
            this.g = null;
            busy = false;
        }
    }

    /** Fails unless every element operand {@code what} is read or written at lies inside {@code a}. */
    private static void check(String what, float[] a, int[] g, int at, int axisSlot, int[] sizes) {
        long last = g[at];
        long first = g[at];
        for (int i = 0; i < 2; i++) {
            long span = (long) (sizes[i] - 1) * g[at + 1 + i];
            last += Math.max(0, span);
            first += Math.min(0, span);
        }
        for (int x = 0; x < g[19]; x++) {
            long span = (long) (g[HEAD + AXIS * x] - 1) * g[HEAD + AXIS * x + axisSlot];
            last += Math.max(0, span);
            first += Math.min(0, span);
        }
        if (a == null || first < 0 || last >= a.length) {
            throw new IllegalArgumentException("attention operand " + what + " reaches elements " + first + " to "
                    + last + ", outside its array of " + (a == null ? "null" : a.length + " elements"));
        }
    }

    /** Task {@code index}: its run of batch blocks. */
    private void task(int index, int thread) {
        for (int b = index * blockEach, end = Math.min(blocks, b + blockEach); b < end; b++) {
            block(b, thread);
        }
    }

    /** One batch block: every query row against every key. */
    private void block(int index, int thread) {
        int[] t = g;
        int qo = t[4], ko = t[7], vo = t[10], oo = t[13], mo = t[16];
        for (int a = t[19] - 1, rest = index; a >= 0; a--) {
            int at = HEAD + AXIS * a;
            int i = rest % t[at];
            rest /= t[at];
            qo += i * t[at + 1];
            ko += i * t[at + 2];
            vo += i * t[at + 3];
            oo += i * t[at + 4];
            mo += i * t[at + 5];
        }
        int i = 0;
        boolean vectors = t[8] == 1 && t[12] == 1 && (mask == null || t[18] == 1);
        for (; vectors && i + 4 <= t[0]; i += 4) {
            rows4(t, qo + i * t[5], ko, vo, oo + i * t[14], mo + i * t[17], thread);
        }
        for (; i < t[0]; i++) {
            row(t, qo + i * t[5], ko, vo, oo + i * t[14], mo + i * t[17], scores[thread], accs[thread]);
        }
    }

    /**
     * Four query rows at once, as {@link #row} does one, where the keys of Kᵀ, the columns of V and
     * a mask row are at stride 1: each vector of K and V is loaded once for the four rows, and their
     * four FMA chains are independent (one row alone waits on its chain's latency).
     */
    private void rows4(int[] t, int qi, int ko, int vo, int oi, int mi, int thread) {
        int sk = t[1], d = t[2], dv = t[3];
        int qRow = t[5], qCol = t[6], kDim = t[9], vKey = t[11], oRow = t[14], oCol = t[15], mRow = t[17];
        float[] s = scores[thread];
        float[] acc = accs[thread];
        float[] state = states[thread];
        Arrays.fill(state, 0, 4, Float.NEGATIVE_INFINITY);
        Arrays.fill(state, 4, 8, 0f);
        Arrays.fill(acc, 0, 4 * dv, 0f);
        for (int j0 = 0; j0 < sk; j0 += TILE) {
            int n = Math.min(TILE, sk - j0);
            AttentionRows.scores4(q, qi, qRow, qCol, k, ko + j0, kDim, d, scale, mask, mi + j0, mRow, n, s);
            for (int r = 0; r < 4; r++) {
                float tileMax = AttentionRows.max(s, r * TILE, n);
                float max = state[r];
                float next = Math.max(max, tileMax);
                if (tileMax == Float.NEGATIVE_INFINITY) {
                    Arrays.fill(s, r * TILE, r * TILE + n, 0f); // every key masked out: adds nothing
                    continue;
                }
                if (next != max && max != Float.NEGATIVE_INFINITY) {
                    float alpha = (float) Math.exp(max - next);
                    state[4 + r] *= alpha;
                    for (int c = 0; c < dv; c++) {
                        acc[r * dv + c] *= alpha;
                    }
                }
                state[r] = next;
                state[4 + r] += AttentionRows.exp(s, r * TILE, n, next);
            }
            AttentionRows.accumulate4(acc, dv, s, n, v, vo + j0 * vKey, vKey);
        }
        for (int r = 0; r < 4; r++) {
            AttentionRows.divide(acc, r * dv, dv, state[4 + r], out, oi + r * oRow, oCol);
        }
    }

    /** One query row: the online softmax over the keys, tile by tile, then {@code acc / l} into O. */
    private void row(int[] t, int qi, int ko, int vo, int oi, int mi, float[] s, float[] acc) {
        int sk = t[1], d = t[2], dv = t[3];
        int qCol = t[6], kKey = t[8], kDim = t[9], vKey = t[11], vCol = t[12], oCol = t[15], mCol = t[18];
        float max = Float.NEGATIVE_INFINITY;
        float sum = 0f;
        Arrays.fill(acc, 0, dv, 0f);
        for (int j0 = 0; j0 < sk; j0 += TILE) {
            int n = Math.min(TILE, sk - j0);
            AttentionRows.scores(
                    q, qi, qCol, k, ko + j0 * kKey, kKey, kDim, d, scale, mask, mi + j0 * mCol, mCol, n, s);
            float tileMax = AttentionRows.max(s, 0, n);
            if (tileMax == Float.NEGATIVE_INFINITY) {
                continue; // every key of the tile masked out: it adds nothing
            }
            float next = Math.max(max, tileMax);
            if (next != max && max != Float.NEGATIVE_INFINITY) { // from -inf: nothing added yet to rescale
                float alpha = (float) Math.exp(max - next);
                sum *= alpha;
                for (int c = 0; c < dv; c++) {
                    acc[c] *= alpha;
                }
            }
            max = next;
            sum += AttentionRows.exp(s, 0, n, max);
            AttentionRows.accumulate(acc, dv, s, n, v, vo + j0 * vKey, vKey, vCol);
        }
        for (int c = 0; c < dv; c++) {
            out[oi + c * oCol] = acc[c] / sum;
        }
    }
}
