package dev.javelin.benchmarks;

import dev.javelin.compiler.CompileOptions;
import dev.javelin.compiler.CompiledModel;
import dev.javelin.compiler.HostTensor;
import dev.javelin.compiler.Javelin;
import dev.javelin.compiler.cpu.CpuBackend;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
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
 * What the Java API costs over the executor (issue 18): mnist-mlp inference from a {@code float[]}
 * into a {@code float[]}, once through {@link CompiledModel#run(Map, Map)} and once through the
 * {@link CpuExecutor} directly (set the input, run, get the logits: what {@code javelin bench}
 * times), same weights, same threads. Run with {@code -prof gc} to see the allocation per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {
            "--add-modules",
            "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,dev.javelin.generated.*::*,0.01"
        })
public class CompiledModelBench {
    @State(Scope.Benchmark)
    public static class Api {
        @Param({"1"})
        public int batch;

        @Param({"2"})
        public int threads;

        CompiledModel model;
        Map<String, HostTensor> in;
        Map<String, HostTensor> out;

        @Setup(Level.Trial)
        public void setUp() {
            MnistMlpPeers.Model m = MnistMlpPeers.Model.of(batch, OnnxRuntimePeerBench.SEED);
            model = Javelin.compile(m.graph(), CompileOptions.cpu().withThreads(threads));
            m.weights()
                    .forEach((name, w) ->
                            model.setParameter(name, HostTensor.of(w, m.shapes().get(name))));
            in = Map.of(MnistMlpPeers.INPUT, HostTensor.of(m.input(OnnxRuntimePeerBench.SEED + 1), batch, 784));
            out = Map.of(MnistMlpPeers.OUTPUT, HostTensor.of(new float[batch * MnistMlpPeers.CLASSES], batch, 10));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            model.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Direct {
        @Param({"1"})
        public int batch;

        @Param({"2"})
        public int threads;

        CpuPool pool;
        CpuExecutor executor;
        float[] x;
        float[] logits;

        @Setup(Level.Trial)
        public void setUp() {
            MnistMlpPeers.Model m = MnistMlpPeers.Model.of(batch, OnnxRuntimePeerBench.SEED);
            pool = new CpuPool(threads);
            executor = CpuBackend.compile(
                            Pipeline.compile(m.graph(), Map.of(), PassOptions.defaults())
                                    .plan(),
                            CpuBackend.defaultCacheDir(),
                            line -> {})
                    .executor(pool);
            m.weights().forEach((name, w) -> executor.set("parameter", name, w));
            x = m.input(OnnxRuntimePeerBench.SEED + 1);
            logits = new float[batch * MnistMlpPeers.CLASSES];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pool.close();
        }
    }

    @Benchmark
    public Object compiledModel(Api s) {
        s.model.run(s.in, s.out);
        return s.out;
    }

    @Benchmark
    public float[] executor(Direct s) {
        s.executor.set("input", MnistMlpPeers.INPUT, s.x);
        s.executor.run();
        s.executor.get("output", MnistMlpPeers.OUTPUT, s.logits);
        return s.logits;
    }
}
