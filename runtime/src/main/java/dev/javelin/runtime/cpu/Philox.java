package dev.javelin.runtime.cpu;

/**
 * Philox 4x32-10 for generated kernels: the same recipe as the IR's reference ({@code
 * dev.javelin.ir.random.Philox}, whose documentation states it), computed without allocating, so
 * every backend draws the same numbers. A test compares the two bit for bit.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final double TWO_POW_M24 = 0x1.0p-24;

    private Philox() {}

    /** Word {@code word} (0..3) of the block function for counter (block, offset) and key seed. */
    static int word(long seed, long offset, long block, int word) {
        int c0 = (int) block;
        int c1 = (int) (block >>> 32);
        int c2 = (int) offset;
        int c3 = (int) (offset >>> 32);
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = n0;
            c2 = n2;
        }
        return switch (word) {
            case 0 -> c0;
            case 1 -> c1;
            case 2 -> c2;
            default -> c3;
        };
    }

    /** Element {@code i} of a uniform [0, 1) tensor drawn with {@code seed} at {@code offset}. */
    public static double uniform(long seed, long offset, long i) {
        return (word(seed, offset, i >>> 2, (int) (i & 3)) >>> 8) * TWO_POW_M24;
    }

    /** Element {@code i} of a standard normal tensor (Box-Muller over a pair of words). */
    public static double normal(long seed, long offset, long i) {
        long pair = i >>> 1;
        int u = (int) (pair & 1) * 2;
        double u1 = ((word(seed, offset, pair >>> 1, u) >>> 8) + 1) * TWO_POW_M24;
        double u2 = (word(seed, offset, pair >>> 1, u + 1) >>> 8) * TWO_POW_M24;
        double r = Math.sqrt(-2 * Math.log(u1));
        return (i & 1) == 0 ? r * Math.cos(2 * Math.PI * u2) : r * Math.sin(2 * Math.PI * u2);
    }
}
