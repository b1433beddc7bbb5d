package dev.javelin.benchmarks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.javelin.runtime.cpu.CpuPool;
import java.nio.FloatBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The hand-written ONNX is a model ONNX Runtime loads and runs as written, the mnist-mlp it holds
 * computes what Javelin computes (both within 1e-4 of float64), and both engines run under JMH.
 */
class OnnxRuntimePeerBenchTest {
    @Test
    void onnxRuntimeRunsAHandWrittenModelAsWritten() throws OrtException {
        // y = relu(x @ w + b): 2 x 3 times 3 x 2, one bias per column, one negative sum clipped.
        byte[] model = new OnnxWriter("tiny")
                .input("x", 2, 3)
                .initializer("w", new float[] {1, 0, 0, 1, 1, -1}, 3, 2)
                .initializer("b", new float[] {0.5f, -10}, 2)
                .node("MatMul", "p", "x", "w")
                .node("Add", "s", "p", "b")
                .node("Relu", "y", "s")
                .output("y", 2, 2)
                .toBytes();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(
                        env, FloatBuffer.wrap(new float[] {1, 2, 3, 4, 5, 6}), new long[] {2, 3});
                OrtSession.Result r = s.run(Map.of("x", x))) {
            assertEquals(Set.of("x"), s.getInputNames());
            assertEquals(Set.of("y"), s.getOutputNames());
            // Row 1: (1 + 3 + 0.5, 2 - 3 - 10) = (4.5, -11 -> 0); row 2: (4 + 6 + 0.5, 5 - 6 - 10 -> 0).
            float[][] y = (float[][]) r.get(0).getValue();
            assertArrayEquals(new float[] {4.5f, 0}, y[0]);
            assertArrayEquals(new float[] {10.5f, 0}, y[1]);
        }
    }

    @Test
    void varintsSpanSeveralBytesForLargeValues() {
        // Field 1, varint 300: tag 0x08, then 0xAC 0x02 (protobuf's own example).
        assertArrayEquals(
                new byte[] {0x08, (byte) 0xAC, 0x02},
                new OnnxWriter.Message().varint(1, 300).toBytes());
        // A length-delimited field 12 of 200 bytes: tag 0x62, length 0xC8 0x01.
        byte[] b = new OnnxWriter.Message().bytes(12, new byte[200]).toBytes();
        assertEquals(203, b.length);
        assertArrayEquals(new byte[] {0x62, (byte) 0xC8, 0x01}, java.util.Arrays.copyOf(b, 3));
    }

    @Test
    void aWeightOfTheWrongSizeIsRefusedByName() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new OnnxWriter("g").initializer("fc1.weight", new float[5], 2, 3));
        assertEquals("initializer fc1.weight: shape [2, 3] holds 6 values, given 5", e.getMessage());
    }

    @Test
    void bothEnginesComputeMnistMlpWithinTheToleranceOfFloat64() throws Exception {
        for (int batch : List.of(1, 3)) {
            MnistMlpPeers.Model m = MnistMlpPeers.Model.of(batch, OnnxRuntimePeerBench.SEED);
            float[] x = m.input(7);
            try (CpuPool pool = new CpuPool(2);
                    MnistMlpPeers.Engine jv = MnistMlpPeers.javelin(m, pool);
                    MnistMlpPeers.Engine ort = MnistMlpPeers.onnxRuntime(m, 2)) {
                var a = OnnxRuntimePeerBench.Agreement.check(m, x, jv, ort, OnnxRuntimePeerBench.TOLERANCE);
                assertTrue(a.between() <= 1e-4 && a.javelin() <= 1e-4 && a.onnxRuntime() <= 1e-4, a.toString());
                // A second step on another input: the engines copy the input in each call.
                float[] x2 = m.input(8);
                float[] got = new float[batch * MnistMlpPeers.CLASSES];
                ort.infer(x2, got);
                Variant.requireClose("logits", m.reference(x2), got, 1e-4, "ONNX Runtime, second input");
                jv.infer(x2, got);
                Variant.requireClose("logits", m.reference(x2), got, 1e-4, "Javelin, second input");
            }
        }
    }

    @Test
    void differentWeightsStopTheTrialNamingTheLogit() throws Exception {
        MnistMlpPeers.Model m = MnistMlpPeers.Model.of(1, OnnxRuntimePeerBench.SEED);
        MnistMlpPeers.Model other = MnistMlpPeers.Model.of(1, OnnxRuntimePeerBench.SEED + 1);
        float[] x = m.input(7);
        try (CpuPool pool = new CpuPool(2);
                MnistMlpPeers.Engine jv = MnistMlpPeers.javelin(m, pool);
                MnistMlpPeers.Engine ort = MnistMlpPeers.onnxRuntime(other, 2)) {
            var e = assertThrows(
                    IllegalStateException.class,
                    () -> OnnxRuntimePeerBench.Agreement.check(m, x, jv, ort, OnnxRuntimePeerBench.TOLERANCE));
            assertTrue(
                    e.getMessage().startsWith("logits[") && e.getMessage().endsWith("; Javelin against ONNX Runtime)"),
                    e.getMessage());
        }
    }

    @Test
    void bothEnginesRunUnderJmh() throws RunnerException {
        // In this JVM (no fork): the test JVM already has the Vector API flags of @Fork.
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                        .include("^" + OnnxRuntimePeerBench.class.getName() + "\\.")
                        .param("batch", "1")
                        .forks(0)
                        .warmupIterations(0)
                        .measurementIterations(1)
                        .measurementTime(TimeValue.milliseconds(100))
                        .verbosity(VerboseMode.SILENT)
                        .build())
                .run();
        Set<String> names = results.stream()
                .map(r -> r.getParams().getBenchmark().replaceAll(".*\\.", ""))
                .collect(Collectors.toSet());
        assertEquals(Set.of("javelin", "onnxRuntime"), names);
        for (RunResult r : results) {
            assertTrue(r.getPrimaryResult().getScore() > 0, r.getParams().getBenchmark());
        }
    }
}
