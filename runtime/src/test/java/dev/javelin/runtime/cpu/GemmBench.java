package dev.javelin.runtime.cpu;

import java.util.Arrays;
import java.util.Random;

/**
 * Throughput of {@link Gemm}, and of a naive triple loop for scale (a benchmark, not a test). After
 * {@code mvn -pl runtime verify}, from the repository root:
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp runtime/target/classes:runtime/target/test-classes \
 *     dev.javelin.runtime.cpu.GemmBench [threads]
 * </pre>
 *
 * For each size it warms up, then times repeated multiplies and prints the median, minimum and
 * maximum GFLOP/s: first on one thread, then on {@code threads} (default: all processors), then the
 * naive loop (fewer runs: it is slow). Operands are row-major and separate; C is overwritten.
 */
public final class GemmBench {
    private static final int[][] SIZES = {
        {256, 256, 256}, {1024, 1024, 1024}, {2048, 2048, 2048}, {32, 784, 512}, {1, 784, 512}
    };

    private GemmBench() {}

    public static void main(String[] args) {
        int threads = args.length > 0
                ? Integer.parseInt(args[0])
                : Runtime.getRuntime().availableProcessors();
        System.out.printf(
                "%s, MR=%d NR=%d KC=%d MC=%d NC=%d, %d processors%n",
                GemmKernel.SPECIES,
                GemmKernel.MR,
                GemmKernel.NR,
                Gemm.KC,
                Gemm.MC,
                Gemm.NC,
                Runtime.getRuntime().availableProcessors());
        for (int t : threads == 1 ? new int[] {1} : new int[] {1, threads}) {
            try (CpuPool pool = new CpuPool(t)) {
                Gemm gemm = new Gemm(pool);
                for (int[] s : SIZES) {
                    bench("gemm, " + t + " thread" + (t == 1 ? " " : "s"), s, gemm);
                }
            }
        }
        for (int[] s : SIZES) {
            bench("naive, 1 thread", s, null);
        }
    }

    /** Sizes are m × k × n, the way matmul shapes are usually written ([m,k]·[k,n]). */
    private static void bench(String label, int[] size, Gemm gemm) {
        int m = size[0];
        int k = size[1];
        int n = size[2];
        Random random = new Random(1);
        float[] a = random(random, m * k);
        float[] b = random(random, k * n);
        float[] c = new float[m * n];
        double flops = 2.0 * m * n * k;
        Runnable run = gemm == null
                ? () -> naive(m, n, k, a, b, c)
                : () -> gemm.multiply(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, Gemm.NONE);
        double budget = gemm == null ? 5e9 : 3e11;
        int reps = (int) Math.max(gemm == null ? 1 : 10, Math.min(5000, budget / flops));
        long warmUntil = System.nanoTime() + (gemm == null ? 0 : 2_000_000_000L);
        if (flops < budget) { // a naive 2048³ takes a minute: there, on-stack replacement will do
            do {
                run.run();
            } while (System.nanoTime() < warmUntil);
        }
        double[] gflops = new double[reps];
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            run.run();
            gflops[r] = flops / (System.nanoTime() - t0);
        }
        Arrays.sort(gflops);
        System.out.printf(
                "%-17s %4d x %4d x %4d: median %6.1f  min %6.1f  max %6.1f GFLOP/s (%d runs)%n",
                label, m, k, n, gflops[reps / 2], gflops[0], gflops[reps - 1], reps);
    }

    /** The textbook loop: one dot product per element of C. */
    private static void naive(int m, int n, int k, float[] a, float[] b, float[] c) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s += a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = s;
            }
        }
    }

    private static float[] random(Random random, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = random.nextFloat() * 2 - 1;
        }
        return x;
    }
}
