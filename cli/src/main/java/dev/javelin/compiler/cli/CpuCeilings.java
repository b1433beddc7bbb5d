package dev.javelin.compiler.cli;

import dev.javelin.compiler.cpu.CpuBackend;
import dev.javelin.compiler.report.Ceilings;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Map;

/**
 * This machine's ceilings for the CPU backend, measured with the benchmark's own thread pool in the
 * same process: copy bandwidth (a parallel copy of {@value #COPY_MB} MB, far larger than any
 * cache, bytes read plus bytes written) and the matrix product's peak (the backend's own packed
 * SIMD GEMM on an {@value #GEMM_N}-square product: there is no faster matrix product on the JVM
 * here to take instead).
 */
final class CpuCeilings {
    static final int COPY_MB = 64;
    static final int GEMM_N = 1024;
    private static final int RUNS = 9;
    private static final int WARMUP = 4;

    private CpuCeilings() {}

    static Ceilings measure(CpuPool pool) {
        double copy = copyGbps(pool);
        double gemm = gemmGflops(pool);
        return new Ceilings(
                copy,
                gemm,
                String.format(
                        Locale.ROOT,
                        "Measured in this run with the benchmark's %d threads: copy bandwidth is the median of %d"
                                + " parallel copies of %d MB (bytes read plus bytes written, as kernel bytes are"
                                + " counted); the matrix product peak is the median of %d runs of the CPU backend's"
                                + " packed SIMD GEMM on a %dx%dx%d f32 product (2*N^3 FLOPs).",
                        pool.threads(),
                        RUNS,
                        COPY_MB,
                        RUNS,
                        GEMM_N,
                        GEMM_N,
                        GEMM_N));
    }

    private static double copyGbps(CpuPool pool) {
        try (Copy copy = new Copy(pool, COPY_MB * 1024L * 1024L)) {
            long[] t = new long[RUNS];
            for (int i = -WARMUP; i < RUNS; i++) {
                long t0 = System.nanoTime();
                copy.run();
                if (i >= 0) {
                    t[i] = System.nanoTime() - t0;
                }
            }
            return copy.moved() / BenchCommand.Timing.median(t);
        }
    }

    /**
     * A parallel copy between two off-heap buffers of about {@code bytes} each, split into chunks
     * that the pool's threads take (as generated kernels are): the copy-bandwidth ceiling of the
     * CPU benches. {@link #moved} counts bytes read plus bytes written, as kernel bytes are counted.
     */
    static final class Copy implements AutoCloseable {
        private final CpuPool pool;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment src;
        private final MemorySegment dst;
        private final int chunks;
        private final long chunk;

        Copy(CpuPool pool, long bytes) {
            this.pool = pool;
            this.chunks = pool.threads() * 8;
            this.chunk = Math.max(1, bytes / chunks);
            src = arena.allocate(chunk * chunks, 64);
            dst = arena.allocate(chunk * chunks, 64);
            src.fill((byte) 1);
            dst.fill((byte) 0);
        }

        void run() {
            pool.parallelFor(chunks, (c, thread) -> MemorySegment.copy(src, c * chunk, dst, c * chunk, chunk));
        }

        /** Bytes read plus bytes written by one {@link #run}. */
        long moved() {
            return 2 * chunk * chunks;
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    private static double gemmGflops(CpuPool pool) {
        GraphBuilder b = new GraphBuilder("gemm_peak");
        var x = b.input("x", TensorType.of(DType.F32, GEMM_N, GEMM_N));
        var w = b.parameter("w", TensorType.of(DType.F32, GEMM_N, GEMM_N));
        b.output("y", b.matmul(x, w));
        var plan = Pipeline.compile(b.build(), Map.of(), PassOptions.defaults()).plan();
        CpuExecutor ex =
                CpuBackend.compile(plan, CpuBackend.defaultCacheDir(), s -> {}).executor(pool);
        float[] values = new float[GEMM_N * GEMM_N];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i % 17) * 0.01f;
        }
        ex.set("input", "x", values);
        ex.set("parameter", "w", values);
        long[] t = new long[RUNS];
        for (int i = -WARMUP; i < RUNS; i++) {
            long t0 = System.nanoTime();
            ex.run();
            if (i >= 0) {
                t[i] = System.nanoTime() - t0;
            }
        }
        return 2.0 * GEMM_N * GEMM_N * GEMM_N / BenchCommand.Timing.median(t);
    }
}
