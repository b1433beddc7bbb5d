package dev.javelin.benchmarks;

import dev.javelin.ir.graph.Graph;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
 * What every kernel-kind benchmark shares: the trial compiles the graph in the form under test and
 * in the other one, checks that both give the same outputs (so a wrong kernel is never timed),
 * prints the kernels and bytes per step of both forms, then each invocation runs one step. The
 * defaults (one fork, 3 + 5 one-second iterations) keep {@code scripts/jmh} to a few minutes on two
 * cores; JMH's options override them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        // The flags of the javelin launcher: the Vector API, and generated kernels compiled by C2
        // 100x sooner (they are slow and allocate until then).
        jvmArgsAppend = {
            "--add-modules",
            "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--sun-misc-unsafe-memory-access=allow",
            "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,dev.javelin.generated.*::*,0.01"
        })
public abstract class KernelKindBench {
    /** Largest difference allowed between the forms, relative to an output's largest magnitude. */
    public static final double TOLERANCE = 1e-4;

    static final long SEED = 42;

    @Param({Variant.FUSED, Variant.UNFUSED})
    public String form;

    private CpuPool pool;
    private CpuExecutor step;

    /** The graph at this trial's size. */
    protected abstract Graph graph();

    @Setup(Level.Trial)
    public void setUp() {
        Graph g = graph();
        var feeds = KernelGraphs.feeds(g, SEED);
        pool = CpuPool.forMachine();
        Variant timed = Variant.compile(g, form, feeds, pool);
        Variant other = Variant.compile(g, Variant.other(form), feeds, pool);
        double diff = timed.requireAgreement(other, TOLERANCE);
        System.out.printf(
                Locale.ROOT,
                "%n%s %s: %d kernels, %.1f MB moved per step (%s: %d kernels, %.1f MB); outputs agree"
                        + " (largest relative difference %.1e), %d threads%n",
                g.name(),
                form,
                timed.kernels(),
                timed.bytes() / 1e6,
                other.form(),
                other.kernels(),
                other.bytes() / 1e6,
                diff,
                pool.threads());
        step = timed.executor();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public CpuExecutor step() {
        step.run();
        return step;
    }

    /** The dimensions of a size parameter such as {@code 4096x1024}; fails unless there are {@code count}. */
    static long[] dims(String size, int count) {
        long[] d;
        try {
            d = Arrays.stream(size.split("x")).mapToLong(Long::parseLong).toArray();
        } catch (NumberFormatException e) {
            d = new long[0];
        }
        if (d.length != count || Arrays.stream(d).anyMatch(v -> v < 1)) {
            throw new IllegalArgumentException(
                    "size must be " + count + " positive integer(s) joined by 'x', found '" + size + "'");
        }
        return d;
    }
}
