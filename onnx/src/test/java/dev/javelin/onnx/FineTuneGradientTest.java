package dev.javelin.onnx;

import static dev.javelin.onnx.TinyOnnx.FLOAT;
import static dev.javelin.onnx.TinyOnnx.floats;
import static dev.javelin.onnx.TinyOnnx.i;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.autodiff.Autodiff;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * An ONNX model added to a graph being built ({@link OnnxModel#addTo}) is differentiable with
 * respect to its weights: the gradient autodiff appends matches central finite differences of the
 * loss on the reference interpreter, the check fine-tuning an imported model rests on.
 */
class FineTuneGradientTest {
    static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int k = 0; k < n; k++) {
            v[k] = (float) (r.nextGaussian() * 0.5);
        }
        return v;
    }

    /** y = softmax(layer_norm(tanh(x @ w1 + b1)) @ w2ᵀ), as an exporter would write a small classifier head. */
    static ModelProto head() {
        Random r = new Random(3);
        return new TinyOnnx(17)
                .input("x", FLOAT, "batch", 4)
                .init(floats("w1", random(r, 20), 4, 5))
                .init(floats("b1", random(r, 5), 5))
                .init(floats("gamma", new float[] {1, 1.5f, 0.5f, 1, 2}, 5))
                .init(floats("w2", random(r, 20), 4, 5))
                .node("MatMul", List.of("x", "w1"), "h")
                .node("Add", List.of("h", "b1"), "hb")
                .node("Tanh", List.of("hb"), "t")
                .node("LayerNormalization", List.of("t", "gamma"), "n")
                .node("Gemm", List.of("n", "w2"), "logits", i("transB", 1))
                .node("Softmax", List.of("logits"), "y")
                .output("y")
                .model();
    }

    /** A small CNN: conv (3x3, padding 1) with bias, batch norm, hard-swish, max pool, global average, gemm. */
    static ModelProto cnn() {
        Random r = new Random(6);
        return new TinyOnnx(14)
                .input("x", FLOAT, "batch", 1, 6, 6)
                .init(floats("k", random(r, 18), 2, 1, 3, 3))
                .init(floats("kb", new float[] {0.1f, -0.2f}, 2))
                .init(floats("scale", new float[] {1.5f, 0.5f}, 2))
                .init(floats("shift", new float[] {0, 0.3f}, 2))
                .init(floats("mean", new float[] {0.1f, -0.1f}, 2))
                .init(floats("var", new float[] {2, 0.5f}, 2))
                .init(floats("fc", random(r, 18), 9, 2))
                .node("Conv", List.of("x", "k", "kb"), "c", TinyOnnx.ints("pads", 1, 1, 1, 1))
                .node("BatchNormalization", List.of("c", "scale", "shift", "mean", "var"), "bn")
                .node("HardSwish", List.of("bn"), "hs")
                .node(
                        "MaxPool",
                        List.of("hs"),
                        "p",
                        TinyOnnx.ints("kernel_shape", 2, 2),
                        TinyOnnx.ints("strides", 2, 2))
                .node("GlobalAveragePool", List.of("p"), "gap")
                .node("Flatten", List.of("gap"), "f")
                .node("Gemm", List.of("f", "fc"), "y", i("transB", 1))
                .output("y")
                .model();
    }

    @Test
    void gradientsThroughAnImportedClassifierHeadMatchFiniteDifferences() {
        double worst =
                worstGradientError(head(), TensorType.dims(DType.F32, "batch", 4), new long[] {3, 4}, "[w1, w2]");
        System.out.printf("FineTuneGradientTest: head: worst gradient error %.2g%n", worst);
        assertTrue(worst < 1e-6, "gradient vs finite differences: " + worst);
    }

    @Test
    void gradientsThroughAnImportedCnnMatchFiniteDifferences() {
        double worst = worstGradientError(
                cnn(), TensorType.dims(DType.F32, "batch", 1, 6, 6), new long[] {2, 1, 6, 6}, "[k, fc]");
        System.out.printf("FineTuneGradientTest: cnn: worst gradient error %.2g%n", worst);
        assertTrue(worst < 1e-6, "gradient vs finite differences: " + worst);
    }

    /**
     * The loss sum(model(x) * mix) with random x and mix: the gradient autodiff gives for each weight
     * element against central differences, as |a - n| / max(1, |a|, |n|), the largest.
     */
    static double worstGradientError(ModelProto model, TensorType xType, long[] xShape, String expectedWeights) {
        GraphBuilder b = new GraphBuilder("finetune");
        Value x = b.input("x", xType);
        OnnxModel.Added added = OnnxModel.addTo(b, model, Path.of("."), Map.of("x", x));
        assertEquals(expectedWeights, added.weights().keySet().toString(), "float weights of > 16 elements");
        Value y = added.outputs().get("y");
        Value mix = b.input("mix", y.type());
        Value loss = b.reduce(ReduceFn.SUM, b.binary(BinaryFn.MUL, y, mix), false, 0, 1);
        List<Value> params = new ArrayList<>();
        for (String p : added.weights().keySet()) {
            params.add(b.value(b.nodes().stream()
                    .filter(n -> n.name().equals(p))
                    .findFirst()
                    .orElseThrow()));
        }
        List<Value> grads = Autodiff.gradients(b, loss, params);
        b.output("loss", loss);
        for (int k = 0; k < grads.size(); k++) {
            b.output("grad_" + params.get(k).name(), grads.get(k));
        }
        Graph g = b.build();

        Random r = new Random(8);
        Map<String, NdArray> feeds = new LinkedHashMap<>(added.weights());
        int n = (int) java.util.Arrays.stream(xShape).reduce(1, (p, q) -> p * q);
        feeds.put("x", NdArray.of(DType.F32, xShape, toDoubles(random(r, n))));
        long[] yShape = {xShape[0], y.type().shape().dim(1).size()};
        feeds.put("mix", NdArray.of(DType.F32, yShape, toDoubles(random(r, (int) (yShape[0] * yShape[1])))));
        Map<String, NdArray> analytic = Interpreter.run(g, feeds).outputs();
        double worst = 0;
        for (String p : added.weights().keySet()) {
            NdArray w = feeds.get(p);
            for (int k = 0; k < w.size(); k++) {
                double h = 1e-6 * Math.max(1, Math.abs(w.get(k)));
                double numeric = (lossWith(g, feeds, p, k, h) - lossWith(g, feeds, p, k, -h)) / (2 * h);
                double a = analytic.get("grad_" + p).get(k);
                worst = Math.max(worst, Math.abs(a - numeric) / Math.max(1, Math.max(Math.abs(a), Math.abs(numeric))));
            }
        }
        return worst;
    }

    /** The loss with element {@code k} of weight {@code p} moved by {@code delta} (f32 arrays hold doubles, unrounded). */
    private static double lossWith(Graph g, Map<String, NdArray> feeds, String p, int k, double delta) {
        Map<String, NdArray> moved = new LinkedHashMap<>(feeds);
        NdArray w = feeds.get(p);
        NdArray copy = NdArray.of(w.dtype(), w.shape(), w.toDoubles());
        copy.set(k, copy.get(k) + delta);
        moved.put(p, copy);
        return Interpreter.run(g, moved).outputs().get("loss").get(0);
    }

    private static double[] toDoubles(float[] v) {
        double[] d = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            d[k] = v[k];
        }
        return d;
    }

    @Test
    void addToChecksTheGivenInputs() {
        GraphBuilder b = new GraphBuilder("g");
        Value wrong = b.input("x", TensorType.of(DType.F32, 2, 3));
        OnnxException e =
                assertThrows(OnnxException.class, () -> OnnxModel.addTo(b, head(), Path.of("."), Map.of("x", wrong)));
        assertEquals("the value given for input 'x' is f32[2,3], the model declares f32[batch,4]", e.getMessage());
        OnnxException missing =
                assertThrows(OnnxException.class, () -> OnnxModel.addTo(b, head(), Path.of("."), Map.of()));
        assertEquals("no value is given for the model's input 'x' (f32[batch,4])", missing.getMessage());
    }
}
