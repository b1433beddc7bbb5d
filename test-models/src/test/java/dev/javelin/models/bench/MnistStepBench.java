package dev.javelin.models.bench;

import dev.javelin.compiler.cpu.CpuBackend;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.models.TestModels;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.util.HashMap;
import java.util.Map;
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
 * The compiled mnist-mlp training step (Adam, fused) on the CPU backend, in the same JMH run as
 * {@link SgemmBench}, so its effective GFLOP/s (the plan's FLOPs over the time, see {@link
 * #flops}) compare with OpenBLAS's GEMM rate of that run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-modules",
            "jdk.incubator.vector",
            "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,dev.javelin.generated.*::*,0.01"
        })
public class MnistStepBench {
    @Param({"256"})
    public int batch;

    private CpuPool pool;
    private CpuExecutor step;

    /** The plan of the benchmarked step. */
    static Plan plan(int batch) {
        Trainer t = new Trainer(new TestModels().create("mnist-mlp"), Optimizer.adam(), 1, null, Backend.INTERPRETER);
        return Pipeline.compile(t.trainGraph(), Map.of("batch", (long) batch), PassOptions.defaults())
                .plan();
    }

    /** Arithmetic of one step: the FLOPs of every kernel that runs each step. */
    static long flops(int batch) {
        Plan p = plan(batch);
        return p.kernels().stream()
                .filter(k -> !p.isLoadTime(k))
                .mapToLong(k -> k.flops())
                .sum();
    }

    @Setup(Level.Trial)
    public void setUp() {
        var m = new TestModels().create("mnist-mlp");
        Trainer t = new Trainer(m, Optimizer.adam(), 1, null, Backend.INTERPRETER);
        Graph g = t.trainGraph();
        Map<String, NdArray> feeds = new HashMap<>(t.state());
        feeds.putAll(m.syntheticBatch(batch, 3));
        feeds.put("lr", NdArray.scalar(DType.F32, 1e-4));
        pool = new CpuPool(2);
        step = CpuBackend.compile(plan(batch), null, s -> {}).executor(pool);
        Feeds.setAll(step, g, feeds);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    @Benchmark
    public CpuExecutor trainStep() {
        step.run();
        return step;
    }
}
