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
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * all-MiniLM-L6-v2 (the pretrained sentence encoder, fetched by scripts/fetch-onnx-models) imported
 * and run on the float64 interpreter and the compiled CPU backend, against ONNX Runtime Java on the
 * same token ids: two sequences of 16 tokens, the second padded (attention mask 0) after 11.
 */
class MiniLmTest {
    static final int BATCH = 2;
    static final int SEQ = 16;

    static Path file;
    static OnnxModel model;
    static long importMillis;
    static Map<String, long[]> ids;
    static float[] reference;

    /**
     * Imports the model and runs ONNX Runtime once for all tests; without the model each test skips
     * by itself (an assumption here would skip the class without reporting its tests).
     */
    @BeforeAll
    static void importAndRunReference() throws OrtException {
        if (!java.nio.file.Files.isRegularFile(PretrainedModels.miniLmFile())) {
            return;
        }
        file = PretrainedModels.miniLm();
        long t0 = System.nanoTime();
        model = OnnxModel.load(file);
        importMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("MiniLmTest: imported all-MiniLM-L6-v2 in " + importMillis + " ms: "
                + model.graph().nodes().size() + " nodes, " + model.weights().size() + " weight tensors");
        ids = tokens();
        reference = onnxRuntime(file, ids);
    }

    /** Token ids of two sequences: [CLS] words [SEP], the second sequence padded after 11 tokens. */
    static Map<String, long[]> tokens() {
        Random r = new Random(19);
        long[] input = new long[BATCH * SEQ];
        long[] mask = new long[BATCH * SEQ];
        for (int b = 0; b < BATCH; b++) {
            int len = b == 0 ? SEQ : 11;
            for (int s = 0; s < SEQ; s++) {
                int i = b * SEQ + s;
                input[i] = s == 0 ? 101 : s == len - 1 ? 102 : s < len ? 1996 + r.nextInt(20000) : 0;
                mask[i] = s < len ? 1 : 0;
            }
        }
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("input_ids", input);
        m.put("attention_mask", mask);
        m.put("token_type_ids", new long[BATCH * SEQ]);
        return m;
    }

    static float[] onnxRuntime(Path file, Map<String, long[]> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(2);
            try (OrtSession s = env.createSession(file.toString(), o)) {
                Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
                for (var e : inputs.entrySet()) {
                    feeds.put(
                            e.getKey(),
                            OnnxTensor.createTensor(env, LongBuffer.wrap(e.getValue()), new long[] {BATCH, SEQ}));
                }
                try (OrtSession.Result r = s.run(feeds)) {
                    float[][][] y = (float[][][]) r.get(0).getValue();
                    float[] flat = new float[BATCH * SEQ * 384];
                    int k = 0;
                    for (float[][] a : y) {
                        for (float[] row : a) {
                            for (float v : row) {
                                flat[k++] = v;
                            }
                        }
                    }
                    return flat;
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        }
    }

    /** max |a - b| over max |b|: the error relative to the output's scale. */
    static double relativeError(double[] a, float[] b) {
        assertEquals(b.length, a.length, "element count");
        double err = 0;
        double scale = 0;
        for (int i = 0; i < b.length; i++) {
            err = Math.max(err, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return err / scale;
    }

    @Test
    void importsEveryOpWithSymbolicBatchAndSequence() {
        PretrainedModels.miniLm();
        assertEquals(11, model.opset());
        assertEquals(
                "{input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids}",
                model.inputNames().toString());
        assertEquals(
                "[batch_size,sequence_length,384]",
                model.graph().outputs().stream()
                        .map(o -> model.graph().node(o.node()).type().shape().toString())
                        .toList()
                        .getFirst());
        long params = model.graph().nodes().stream()
                .filter(n -> n.op() instanceof Parameter)
                .count();
        assertEquals(model.weights().size(), params);
        long count = model.weights().values().stream().mapToLong(NdArray::size).sum();
        assertTrue(count > 22_000_000 && count < 23_000_000, "about 22.7M weights, found " + count);
    }

    @Test
    void interpreterMatchesOnnxRuntime() {
        PretrainedModels.miniLm();
        Map<String, NdArray> in = new LinkedHashMap<>();
        ids.forEach((k, v) -> in.put(k, NdArray.ofLongs(DType.I64, new long[] {BATCH, SEQ}, v)));
        long t0 = System.nanoTime();
        NdArray y = Interpreter.run(model.graph(), model.feeds(in)).outputs().get("last_hidden_state");
        double err = relativeError(y.toDoubles(), reference);
        System.out.printf(
                "MiniLmTest: interpreter (float64) vs ONNX Runtime: max relative error %.3g (%d ms)%n",
                err, (System.nanoTime() - t0) / 1_000_000);
        assertTrue(err < 1e-5, "interpreter vs ONNX Runtime: relative error " + err);
    }

    @Test
    void cpuBackendMatchesOnnxRuntime(@TempDir Path tmp) {
        PretrainedModels.miniLm();
        CompileOptions options = CompileOptions.cpu()
                .withSize("batch_size", BATCH)
                .withSize("sequence_length", SEQ)
                .withThreads(2)
                .withCacheDir(tmp.resolve("cache"));
        long t0 = System.nanoTime();
        try (CompiledModel m = Javelin.compile(model.graph(), options)) {
            m.setParameters(model.weights());
            long t1 = System.nanoTime();
            Map<String, HostTensor> in = new LinkedHashMap<>();
            ids.forEach((k, v) -> in.put(k, HostTensor.ofLongs(v, BATCH, SEQ)));
            float[] y = m.run(in).get("last_hidden_state").toFloats();
            double[] yd = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                yd[i] = y[i];
            }
            double err = relativeError(yd, reference);
            System.out.printf(
                    "MiniLmTest: CPU backend vs ONNX Runtime: max relative error %.3g (compile %d ms,"
                            + " first run %d ms)%n",
                    err, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            assertTrue(err < 1e-4, "CPU backend vs ONNX Runtime: relative error " + err);
        }
    }
}
