package dev.javelin.models.bench;

import dev.javelin.runtime.cpu.CpuPool;
import dev.javelin.runtime.cpu.Gemm;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Javelin's GEMM against OpenBLAS's {@code cblas_sgemm} in the same JVM, on the same row-major
 * operands and the same number of threads: square sizes and the products of the mnist-mlp layers.
 * Run by {@code scripts/bench-sgemm}, which turns the times into GFLOP/s and ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SgemmBench {
    /** m x k x n. */
    @Param({"256x256x256", "1024x1024x1024", "2048x2048x2048", "256x784x512", "32x784x512", "256x512x256"})
    public String shape;

    @Param({"2"})
    public int threads;

    private int m;
    private int k;
    private int n;
    private float[] a;
    private float[] b;
    private float[] c;
    private CpuPool pool;
    private Gemm gemm;

    @Setup(Level.Trial)
    public void setUp() {
        String[] p = shape.split("x");
        m = Integer.parseInt(p[0]);
        k = Integer.parseInt(p[1]);
        n = Integer.parseInt(p[2]);
        Random r = new Random(1);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = r.nextFloat() - 0.5f;
        }
        pool = new CpuPool(threads);
        gemm = new Gemm(pool);
        openblas_full.openblas_set_num_threads(threads);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public float[] javelin() {
        gemm.multiply(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, Gemm.NONE);
        return c;
    }

    @Benchmark
    public float[] openblas() {
        openblas_nolapack.cblas_sgemm(
                openblas_nolapack.CblasRowMajor,
                openblas_nolapack.CblasNoTrans,
                openblas_nolapack.CblasNoTrans,
                m,
                n,
                k,
                1f,
                a,
                k,
                b,
                n,
                0f,
                c,
                n);
        return c;
    }
}
