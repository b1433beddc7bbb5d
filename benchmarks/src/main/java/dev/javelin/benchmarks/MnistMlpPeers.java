package dev.javelin.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.javelin.compiler.cpu.CpuBackend;
import dev.javelin.dsl.Mode;
import dev.javelin.dsl.Net;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.models.MnistMlp;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * mnist-mlp inference ({@link MnistMlp.Network}: 784-512-256-10 with ReLU) at a fixed batch, twice
 * with the same seeded weights: compiled by Javelin for the CPU backend, and written as an ONNX
 * model (MatMul, Add, Relu) for ONNX Runtime. Both take the input from a {@code float[]} and copy
 * the logits into one, as a caller would.
 */
public final class MnistMlpPeers {
    static final String INPUT = "image";
    static final String OUTPUT = "logits";
    static final int FEATURES = 784;
    static final int CLASSES = 10;
    /** The parameter prefix of each {@code Linear}, input to output. */
    private static final String[] LAYERS = {"fc1", "fc2", "fc3"};

    private MnistMlpPeers() {}

    /** One inference step of an engine: {@code x} in ([batch, 784]), logits out ([batch, 10]). */
    public interface Engine extends AutoCloseable {
        void infer(float[] x, float[] logits);
    }

    /** The inference graph (image in, logits out) and the model's own initial weights from {@code seed}. */
    public record Model(Graph graph, Map<String, float[]> weights, Map<String, long[]> shapes, int batch) {
        public static Model of(int batch, long seed) {
            Net net = new Net("mnist_mlp_infer", Mode.EVAL);
            MnistMlp.Network network = net.module(new MnistMlp.Network());
            net.output(OUTPUT, network.forward(net.input(INPUT, DType.F32, batch, FEATURES)));
            Map<String, float[]> weights = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            net.initialValues(seed).forEach((name, v) -> {
                weights.put(name, toFloats(v));
                shapes.put(name, v.shape());
            });
            for (String layer : LAYERS) {
                for (String p : new String[] {".weight", ".bias"}) {
                    if (!weights.containsKey(layer + p)) {
                        throw new IllegalStateException(
                                "mnist-mlp has no parameter " + layer + p + "; its parameters are " + weights.keySet());
                    }
                }
            }
            return new Model(net.build(), weights, shapes, batch);
        }

        /** The same graph as ONNX: per layer MatMul then Add, Relu between layers, weights as initializers. */
        public byte[] onnx() {
            OnnxWriter w = new OnnxWriter("mnist_mlp").input(INPUT, batch, FEATURES);
            String x = INPUT;
            for (int i = 0; i < LAYERS.length; i++) {
                String l = LAYERS[i];
                w.initializer(l + ".weight", weights.get(l + ".weight"), shapes.get(l + ".weight"));
                w.initializer(l + ".bias", weights.get(l + ".bias"), shapes.get(l + ".bias"));
                w.node("MatMul", l + ".product", x, l + ".weight");
                String y = i == LAYERS.length - 1 ? OUTPUT : l + ".sum";
                w.node("Add", y, l + ".product", l + ".bias");
                if (i < LAYERS.length - 1) {
                    x = l + ".relu";
                    w.node("Relu", x, y);
                }
            }
            return w.output(OUTPUT, batch, CLASSES).toBytes();
        }

        /** Seeded pixel-like input, uniform in [0, 1). */
        public float[] input(long seed) {
            Random r = new Random(seed);
            float[] x = new float[batch * FEATURES];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat();
            }
            return x;
        }

        /** The logits in float64 from the f32 weights: the reference both engines are held to. */
        public double[] reference(float[] x) {
            double[] h = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                h[i] = x[i];
            }
            for (int i = 0; i < LAYERS.length; i++) {
                h = linear(h, weights.get(LAYERS[i] + ".weight"), weights.get(LAYERS[i] + ".bias"), i < 2);
            }
            return h;
        }

        private double[] linear(double[] x, float[] w, float[] b, boolean relu) {
            int out = b.length;
            int in = w.length / out;
            double[] y = new double[batch * out];
            for (int r = 0; r < batch; r++) {
                for (int j = 0; j < out; j++) {
                    double s = b[j];
                    for (int k = 0; k < in; k++) {
                        s += x[r * in + k] * w[k * out + j];
                    }
                    y[r * out + j] = relu ? Math.max(0, s) : s;
                }
            }
            return y;
        }
    }

    /** Javelin: the default pipeline (fused), the CPU backend on {@code pool}. */
    public static Engine javelin(Model m, CpuPool pool) {
        CpuExecutor ex = CpuBackend.compile(
                        Pipeline.compile(m.graph(), Map.of(), PassOptions.defaults())
                                .plan(),
                        CpuBackend.defaultCacheDir(),
                        line -> {})
                .executor(pool);
        m.weights().forEach((name, w) -> ex.set("parameter", name, w));
        return new Engine() {
            @Override
            public void infer(float[] x, float[] logits) {
                ex.set("input", INPUT, x);
                ex.run();
                ex.get("output", OUTPUT, logits);
            }

            @Override
            public void close() {}
        };
    }

    /**
     * ONNX Runtime's CPU provider with {@code threads} intra-op threads, one inter-op thread,
     * sequential execution and every graph optimization. The input and output tensors are made once
     * over direct buffers (the output pinned), so a step copies the input in and the logits out and
     * allocates no tensor: ONNX Runtime's cheapest way to be called from Java.
     */
    public static Engine onnxRuntime(Model m, int threads) {
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtSession session = env.createSession(m.onnx(), options);
            FloatBuffer in = direct(m.batch() * FEATURES);
            FloatBuffer out = direct(m.batch() * CLASSES);
            OnnxTensor inT = OnnxTensor.createTensor(env, in, new long[] {m.batch(), FEATURES});
            OnnxTensor outT = OnnxTensor.createTensor(env, out, new long[] {m.batch(), CLASSES});
            Map<String, OnnxTensor> inputs = Map.of(INPUT, inT);
            Map<String, OnnxTensor> outputs = Map.of(OUTPUT, outT);
            return new Engine() {
                @Override
                public void infer(float[] x, float[] logits) {
                    in.put(0, x);
                    try (OrtSession.Result r = session.run(inputs, outputs)) {
                        out.get(0, logits);
                    } catch (OrtException e) {
                        throw new IllegalStateException("ONNX Runtime failed to run mnist-mlp: " + e.getMessage(), e);
                    }
                }

                @Override
                public void close() throws OrtException {
                    inT.close();
                    outT.close();
                    session.close();
                    options.close();
                }
            };
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load mnist-mlp: " + e.getMessage(), e);
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(4 * floats)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    private static float[] toFloats(NdArray v) {
        double[] d = v.toDoubles();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
