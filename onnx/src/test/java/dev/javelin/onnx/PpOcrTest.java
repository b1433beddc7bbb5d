package dev.javelin.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.javelin.compiler.CompileOptions;
import dev.javelin.compiler.CompiledModel;
import dev.javelin.compiler.HostTensor;
import dev.javelin.compiler.Javelin;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PP-OCR's text direction classifier (ch_ppocr_mobile_v2.0_cls, a MobileNetV3: Conv incl.
 * depthwise, BatchNormalization, HardSigmoid, hard-swish as Clip/Mul/Div, GlobalAveragePool, opset
 * 9, every dim dynamic) with its image height and width fixed at import and the batch symbolic, on
 * the interpreter and the CPU backend against ONNX Runtime on the same two images.
 */
class PpOcrTest {
    static final int BATCH = 2;
    static final Map<String, Long> IMAGE = Map.of("p2o.DynamicDimension.1", 48L, "p2o.DynamicDimension.2", 192L);

    static float[] image() {
        Random r = new Random(9);
        float[] x = new float[BATCH * 3 * 48 * 192];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 0.5);
        }
        return x;
    }

    static float[] onnxRuntime(Path file, float[] x) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {BATCH, 3, 48, 192});
                OrtSession.Result r = s.run(Map.of("x", t))) {
            float[][] y = (float[][]) r.get(0).getValue();
            return new float[] {y[0][0], y[0][1], y[1][0], y[1][1]};
        }
    }

    @Test
    void classifierMatchesOnnxRuntimeOnTheInterpreterAndTheCpuBackend(@TempDir Path tmp) throws OrtException {
        Path file = PretrainedModels.ppOcr("ch_ppocr_mobile_v2.0_cls_infer.onnx");
        OnnxModel m = OnnxModel.load(file, IMAGE);
        assertEquals(
                "f32[p2o_DynamicDimension_0,3,48,192]",
                m.graph().inputs().getFirst().type().toString());
        float[] x = image();
        float[] reference = onnxRuntime(file, x);

        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xd[i] = x[i];
        }
        NdArray in = NdArray.of(DType.F32, new long[] {BATCH, 3, 48, 192}, xd);
        double[] interp = Interpreter.run(m.graph(), m.feeds(Map.of("x", in)))
                .outputs()
                .values()
                .iterator()
                .next()
                .toDoubles();
        double interpErr = MiniLmTest.relativeError(interp, reference);

        CompileOptions options = CompileOptions.cpu()
                .withSize("p2o_DynamicDimension_0", BATCH)
                .withThreads(2)
                .withCacheDir(tmp.resolve("cache"));
        try (CompiledModel c = Javelin.compile(m.graph(), options)) {
            c.setParameters(m.weights());
            float[] y = c.run(Map.of("x", HostTensor.of(x, BATCH, 3, 48, 192)))
                    .values()
                    .iterator()
                    .next()
                    .toFloats();
            double[] yd = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                yd[i] = y[i];
            }
            double cpuErr = MiniLmTest.relativeError(yd, reference);
            System.out.printf(
                    "PpOcrTest: cls vs ONNX Runtime: interpreter %.3g, CPU backend %.3g%n", interpErr, cpuErr);
            assertTrue(interpErr < 1e-5, "interpreter vs ONNX Runtime: relative error " + interpErr);
            assertTrue(cpuErr < 1e-4, "CPU backend vs ONNX Runtime: relative error " + cpuErr);
        }
    }

    /**
     * The PP-OCRv4 recognizer (SVTR: convolutions, then attention blocks with LayerNorm written as
     * ReduceMean/Pow/Sqrt, Transpose, Squeeze) on one 48x160 line image, its width fixed at import.
     */
    @Test
    void recognizerMatchesOnnxRuntimeOnTheInterpreterAndTheCpuBackend(@TempDir Path tmp) throws OrtException {
        Path file = PretrainedModels.ppOcr("ch_PP-OCRv4_rec_infer.onnx");
        OnnxModel m = OnnxModel.load(file, Map.of("p2o.DynamicDimension.1", 160L));
        Random r = new Random(4);
        float[] x = new float[3 * 48 * 160];
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 0.5);
            xd[i] = x[i];
        }
        float[] reference;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, 48, 160});
                OrtSession.Result res = s.run(Map.of("x", t))) {
            float[][][] y = (float[][][]) res.get(0).getValue();
            reference = new float[y[0].length * y[0][0].length];
            for (int i = 0; i < y[0].length; i++) {
                System.arraycopy(y[0][i], 0, reference, i * y[0][i].length, y[0][i].length);
            }
        }
        NdArray in = NdArray.of(DType.F32, new long[] {1, 3, 48, 160}, xd);
        double[] interp = Interpreter.run(m.graph(), m.feeds(Map.of("x", in)))
                .outputs()
                .values()
                .iterator()
                .next()
                .toDoubles();
        double interpErr = MiniLmTest.relativeError(interp, reference);
        CompileOptions options = CompileOptions.cpu()
                .withSize("p2o_DynamicDimension_0", 1)
                .withThreads(2)
                .withCacheDir(tmp.resolve("cache"));
        try (CompiledModel c = Javelin.compile(m.graph(), options)) {
            c.setParameters(m.weights());
            float[] y = c.run(Map.of("x", HostTensor.of(x, 1, 3, 48, 160)))
                    .values()
                    .iterator()
                    .next()
                    .toFloats();
            double[] yd = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                yd[i] = y[i];
            }
            double cpuErr = MiniLmTest.relativeError(yd, reference);
            System.out.printf(
                    "PpOcrTest: rec vs ONNX Runtime: interpreter %.3g, CPU backend %.3g%n", interpErr, cpuErr);
            assertTrue(interpErr < 1e-5, "interpreter vs ONNX Runtime: relative error " + interpErr);
            assertTrue(cpuErr < 1e-4, "CPU backend vs ONNX Runtime: relative error " + cpuErr);
        }
    }

    /**
     * The PP-OCRv4 detector (adds ConvTranspose, nearest Resize and Sigmoid) on one 96x128 image
     * holding a line of text-like strokes, where it finds text (probabilities up to 1).
     */
    @Test
    void detectorMatchesOnnxRuntimeOnTheInterpreterAndTheCpuBackend(@TempDir Path tmp) throws OrtException {
        Path file = PretrainedModels.ppOcr("ch_PP-OCRv4_det_infer.onnx");
        OnnxModel m = OnnxModel.load(file, Map.of("p2o.DynamicDimension.1", 96L, "p2o.DynamicDimension.2", 128L));
        // a white image with one dark line of "glyphs": random noise has no text, and a detector's
        // probabilities of ~0 everywhere would compare only ORT's and our sigmoid's underflow
        float[] x = new float[3 * 96 * 128];
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int row = i / 128 % 96;
            int col = i % 128;
            boolean ink = row >= 36
                    && row < 60
                    && col >= 12
                    && col < 116
                    && col / 3 % 3 != 0
                    && !(row > 44 && row < 50 && col / 9 % 2 == 0);
            x[i] = ink ? -1f : 1f;
            xd[i] = x[i];
        }
        float[] reference;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, 96, 128});
                OrtSession.Result res = s.run(Map.of("x", t))) {
            FloatBuffer y = ((OnnxTensor) res.get(0)).getFloatBuffer();
            reference = new float[y.remaining()];
            y.get(reference);
        }
        NdArray in = NdArray.of(DType.F32, new long[] {1, 3, 96, 128}, xd);
        double[] interp = Interpreter.run(m.graph(), m.feeds(Map.of("x", in)))
                .outputs()
                .values()
                .iterator()
                .next()
                .toDoubles();
        double interpErr = MiniLmTest.relativeError(interp, reference);
        CompileOptions options = CompileOptions.cpu()
                .withSize("p2o_DynamicDimension_0", 1)
                .withThreads(2)
                .withCacheDir(tmp.resolve("cache"));
        try (CompiledModel c = Javelin.compile(m.graph(), options)) {
            c.setParameters(m.weights());
            float[] y = c.run(Map.of("x", HostTensor.of(x, 1, 3, 96, 128)))
                    .values()
                    .iterator()
                    .next()
                    .toFloats();
            double[] yd = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                yd[i] = y[i];
            }
            double cpuErr = MiniLmTest.relativeError(yd, reference);
            System.out.printf(
                    "PpOcrTest: det vs ONNX Runtime: interpreter %.3g, CPU backend %.3g%n", interpErr, cpuErr);
            assertTrue(interpErr < 1e-5, "interpreter vs ONNX Runtime: relative error " + interpErr);
            assertTrue(cpuErr < 1e-4, "CPU backend vs ONNX Runtime: relative error " + cpuErr);
        }
    }

    @Test
    void fixingADimTheInputsDoNotHaveIsAnError() {
        Path file = PretrainedModels.ppOcr("ch_ppocr_mobile_v2.0_cls_infer.onnx");
        OnnxException e = org.junit.jupiter.api.Assertions.assertThrows(
                OnnxException.class, () -> OnnxModel.load(file, Map.of("height", 48L)));
        assertEquals(
                "cannot fix dim 'height': the model's inputs have no dynamic dim of that name; they have"
                        + " p2o.DynamicDimension.0, p2o.DynamicDimension.1, p2o.DynamicDimension.2",
                e.getMessage());
    }
}
