package dev.javelin.benchmarks;

import ai.onnxruntime.OrtEnvironment;
import dev.javelin.runtime.cpu.CpuPool;
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
 * mnist-mlp inference, Javelin against ONNX Runtime Java in one run (issue 16): the same weights,
 * the same seeded input, {@code threads} threads each. A step copies the input in from a {@code
 * float[]}, runs the model and copies the logits out into a {@code float[]} (see {@link
 * MnistMlpPeers}). Each trial first runs both engines and the float64 reference on the input and
 * stops unless they agree within {@link #TOLERANCE}, so the two scores always time the same
 * computation; then only the engine under test is kept, so the other's threads cannot compete.
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
            "-XX:+IgnoreUnrecognizedVMOptions",
            "--sun-misc-unsafe-memory-access=allow",
            "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,dev.javelin.generated.*::*,0.01"
        })
public class OnnxRuntimePeerBench {
    /** Largest difference allowed between the engines, relative to the logits' largest magnitude. */
    public static final double TOLERANCE = 1e-4;

    static final long SEED = 16;

    /** One engine at one batch size and thread count, checked against the other at setup. */
    @State(Scope.Benchmark)
    public abstract static class Peer {
        @Param({"1", "32"})
        public int batch;

        @Param({"2"})
        public int threads;

        float[] x;
        float[] logits;
        MnistMlpPeers.Engine engine;
        private CpuPool pool;

        abstract boolean javelin();

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            MnistMlpPeers.Model m = MnistMlpPeers.Model.of(batch, SEED);
            x = m.input(SEED + 1);
            logits = new float[batch * MnistMlpPeers.CLASSES];
            pool = new CpuPool(threads);
            MnistMlpPeers.Engine jv = MnistMlpPeers.javelin(m, pool);
            MnistMlpPeers.Engine ort = MnistMlpPeers.onnxRuntime(m, threads);
            Agreement a = Agreement.check(m, x, jv, ort, TOLERANCE);
            System.out.printf(
                    Locale.ROOT,
                    "%nmnist-mlp batch %d, %d threads: Javelin and ONNX Runtime %s agree (largest relative"
                            + " difference %.1e between them; against float64 %.1e and %.1e)%n",
                    batch,
                    threads,
                    OrtEnvironment.getEnvironment().getVersion(),
                    a.between(),
                    a.javelin(),
                    a.onnxRuntime());
            engine = javelin() ? jv : ort;
            (javelin() ? ort : jv).close();
            if (!javelin()) {
                pool.close();
                pool = null;
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            engine.close();
            if (pool != null) {
                pool.close();
            }
        }
    }

    @State(Scope.Benchmark)
    public static class JavelinPeer extends Peer {
        @Override
        boolean javelin() {
            return true;
        }
    }

    @State(Scope.Benchmark)
    public static class OnnxRuntimePeer extends Peer {
        @Override
        boolean javelin() {
            return false;
        }
    }

    @Benchmark
    public float[] javelin(JavelinPeer p) {
        p.engine.infer(p.x, p.logits);
        return p.logits;
    }

    @Benchmark
    public float[] onnxRuntime(OnnxRuntimePeer p) {
        p.engine.infer(p.x, p.logits);
        return p.logits;
    }

    /** How far apart the engines' logits are, relative to the largest magnitude (at least 1). */
    record Agreement(double between, double javelin, double onnxRuntime) {
        /** Runs both on {@code x}; fails naming the logit where either strays beyond {@code tolerance}. */
        static Agreement check(
                MnistMlpPeers.Model m,
                float[] x,
                MnistMlpPeers.Engine javelin,
                MnistMlpPeers.Engine onnxRuntime,
                double tolerance) {
            int n = m.batch() * MnistMlpPeers.CLASSES;
            float[] jv = new float[n];
            float[] ort = new float[n];
            javelin.infer(x, jv);
            onnxRuntime.infer(x, ort);
            double[] want = m.reference(x);
            double[] ortWide = new double[n];
            for (int i = 0; i < n; i++) {
                ortWide[i] = ort[i];
            }
            String what = MnistMlpPeers.OUTPUT;
            return new Agreement(
                    Variant.requireClose(what, ortWide, jv, tolerance, "Javelin against ONNX Runtime"),
                    Variant.requireClose(what, want, jv, tolerance, "Javelin against float64"),
                    Variant.requireClose(what, want, ort, tolerance, "ONNX Runtime against float64"));
        }
    }
}
