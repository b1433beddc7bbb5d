package dev.javelin.runtime.cuda;

/**
 * Where a compiled CUDA program's kernels run over its memory block: a GPU through the JCuda driver
 * API, or the host-execution harness that runs the same source on the CPU (tests without a GPU).
 * Offsets are bytes into the block; the block is allocated once, when the runner is created.
 */
public interface KernelRunner extends AutoCloseable {
    /** What runs the kernels, for logs: the GPU's name and architecture, or the harness. */
    String describe();

    /** Copies {@code length} bytes of {@code src} from {@code srcOffset} into the block at {@code offset}. */
    void write(long offset, byte[] src, int srcOffset, int length);

    /** Copies {@code length} bytes of the block at {@code offset} into {@code dst} at {@code dstOffset}. */
    void read(long offset, byte[] dst, int dstOffset, int length);

    /** Copies {@code bytes} bytes inside the block (an assign: a new parameter value over the old). */
    void copy(long from, long to, long bytes);

    /** Runs the launches in order; later reads see their writes. */
    void launch(java.util.List<CudaLaunch> launches);

    /**
     * Runs the launches in order and returns each one's time in nanoseconds. This default times each
     * launch alone on the host clock; a GPU runner uses device events.
     */
    default long[] launchTimed(java.util.List<CudaLaunch> launches) {
        long[] nanos = new long[launches.size()];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            launch(java.util.List.of(launches.get(i)));
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    @Override
    void close();
}
