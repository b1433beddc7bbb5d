package dev.javelin.ir.random;

/**
 * Philox 4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011), the
 * counter-based generator behind every random op. A draw is a pure function of (key, counter), so
 * each backend computes element {@code i} of a random tensor independently and identically.
 *
 * <p>The recipe for element {@code i} (C order) of a tensor drawn with {@code seed} at {@code
 * offset}, which every backend follows bit for bit:
 *
 * <ul>
 *   <li>key = (low 32 bits of seed, high 32 bits of seed);
 *   <li>uniform: block {@code b = i / 4}, counter = (low(b), high(b), low(offset), high(offset)),
 *       word {@code w = i % 4} of the output; the value is {@code (w >>> 8) * 2^-24}, in [0, 1) and
 *       exact in f32;
 *   <li>normal: pair {@code p = i / 2}, block {@code b = p / 2}, counter as above; words {@code u =
 *       2*(p%2)} and {@code u+1} give {@code u1 = ((w_u >>> 8) + 1) * 2^-24} in (0, 1] and {@code
 *       u2 = (w_{u+1} >>> 8) * 2^-24}; the value is {@code sqrt(-2 ln u1) * cos(2 pi u2)} for even
 *       {@code i} and {@code sqrt(-2 ln u1) * sin(2 pi u2)} for odd {@code i} (Box-Muller).
 * </ul>
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final double TWO_POW_M24 = 0x1.0p-24;

    private Philox() {}

    /** The 4x32-10 block function: four output words for a 4-word counter and a 2-word key. */
    public static int[] block(int c0, int c1, int c2, int c3, int k0, int k1) {
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int hi0 = (int) (p0 >>> 32);
            int lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32);
            int lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
        }
        return new int[] {c0, c1, c2, c3};
    }

    private static int[] blockFor(long seed, long offset, long block) {
        return block((int) block, (int) (block >>> 32), (int) offset, (int) (offset >>> 32), (int) seed, (int)
                (seed >>> 32));
    }

    /** Element {@code i} of a uniform [0, 1) tensor drawn with {@code seed} at {@code offset}. */
    public static double uniform(long seed, long offset, long i) {
        int w = blockFor(seed, offset, i >>> 2)[(int) (i & 3)];
        return (w >>> 8) * TWO_POW_M24;
    }

    /** Element {@code i} of a standard normal tensor drawn with {@code seed} at {@code offset}. */
    public static double normal(long seed, long offset, long i) {
        long pair = i >>> 1;
        int[] w = blockFor(seed, offset, pair >>> 1);
        int u = (int) (pair & 1) * 2;
        double u1 = ((w[u] >>> 8) + 1) * TWO_POW_M24;
        double u2 = (w[u + 1] >>> 8) * TWO_POW_M24;
        double r = Math.sqrt(-2 * Math.log(u1));
        return (i & 1) == 0 ? r * Math.cos(2 * Math.PI * u2) : r * Math.sin(2 * Math.PI * u2);
    }
}
