package dev.javelin.dsl.data;

import dev.javelin.ir.random.Philox;

/**
 * Seeded permutations, the one source of shuffling in data sets and loaders. A permutation is a
 * pure function of {@code (n, seed, stream)} built from the same Philox generator as the graph's
 * random ops, so it is identical on every JVM and could be recomputed outside Java: Fisher-Yates
 * from the top, where step {@code i} ({@code n-1} down to 1) swaps positions {@code i} and {@code
 * j = floor(r * (i + 1) / 2^64)}, with {@code r} the 64-bit number {@code (w0 << 32) | w1} from
 * the words of {@code Philox.block(low(i), high(i), low(stream), high(stream), low(seed),
 * high(seed))}.
 */
public final class Permutations {
    /** The stream of {@link Dataset#split}; loaders use the epoch number (0, 1, ...) as stream. */
    public static final long SPLIT_STREAM = -1;

    private Permutations() {}

    /**
     * The permutation of {@code 0..n-1} for {@code (seed, stream)}, as described above.
     *
     * @param n the number of elements, {@code >= 0}
     * @param seed the seed
     * @param stream the stream: an epoch number, or {@link #SPLIT_STREAM}
     * @return a new array holding each of {@code 0..n-1} once
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public static int[] of(int n, long seed, long stream) {
        if (n < 0) {
            throw new IllegalArgumentException("a permutation needs n >= 0, found " + n);
        }
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int[] w = Philox.block(i, 0, (int) stream, (int) (stream >>> 32), (int) seed, (int) (seed >>> 32));
            long r = ((w[0] & 0xFFFFFFFFL) << 32) | (w[1] & 0xFFFFFFFFL);
            // multiply-high maps r onto [0, i] with a bias below i / 2^64, far under any test's resolution
            int j = (int) Math.unsignedMultiplyHigh(r, i + 1L);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
