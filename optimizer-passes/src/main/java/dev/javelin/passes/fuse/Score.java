package dev.javelin.passes.fuse;

/**
 * What one merge is worth; fusion tries the merges of a node with the higher {@link #value()}
 * first where they exclude each other.
 *
 * @param bytesSaved memory traffic no longer needed: an intermediate the merged kernel keeps in
 *     registers is neither written nor read back (twice its bytes), or only not read back where
 *     someone else still needs it written (once)
 * @param launchesSaved kernels fewer (one per merge)
 * @param recomputed element evaluations the merged kernel repeats: a value smaller than the
 *     kernel's domain is recomputed for each element of it instead of once per own element
 */
public record Score(long bytesSaved, int launchesSaved, long recomputed) {
    /**
     * What a launch is worth, in bytes of traffic: about a microsecond of a launch or a parallel
     * region's hand-off against a few GB/s of memory traffic per core. Every merge saves one launch,
     * so this weight does not change which of two merges wins; it keeps the value comparable
     * across kernels.
     */
    public static final long LAUNCH_BYTES = 4096;

    /** What one repeated element evaluation costs, in bytes: about one f32 of traffic. */
    public static final long RECOMPUTE_BYTES = 4;

    /** Bytes saved, plus the launches' worth, minus the recomputation's. */
    public long value() {
        return bytesSaved + LAUNCH_BYTES * launchesSaved - RECOMPUTE_BYTES * recomputed;
    }

    /** {@code score 12288 (8192 bytes saved, 1 launch saved, 0 elements recomputed)}. */
    public String text() {
        return "score " + value() + " (" + bytesSaved + " bytes saved, " + launchesSaved + " launch"
                + (launchesSaved == 1 ? "" : "es") + " saved, " + recomputed + " element"
                + (recomputed == 1 ? "" : "s") + " recomputed)";
    }
}
