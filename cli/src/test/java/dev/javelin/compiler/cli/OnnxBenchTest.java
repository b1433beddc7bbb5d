package dev.javelin.compiler.cli;

import static dev.javelin.compiler.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.Cli.Run;
import dev.javelin.dsl.json.Json;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code javelin bench --onnx}: a model written here, fused, unfused and ONNX Runtime in one run. */
class OnnxBenchTest {
    @TempDir
    Path tmp;

    private Path input() throws IOException {
        Path in = tmp.resolve("x.npy");
        Npy.write(in, NdArray.of(DType.F32, new long[] {2, 3}, -1, 0, 1, 2, -3, 4));
        return in;
    }

    @Test
    void timesFusedUnfusedAndOnnxRuntimeOnTheSameInputs() throws IOException {
        Path model = OnnxCommandTest.model(tmp, "Relu", "n");
        Path json = tmp.resolve("bench.json");
        Run r = run(
                "bench",
                "--onnx",
                model.toString(),
                "--input",
                "x=" + input(),
                "--dim",
                "n=2",
                "--peer",
                "onnxruntime",
                "--runs",
                "3",
                "--warmup",
                "1",
                "--threads",
                "2",
                "--profile",
                "--json",
                json.toString());
        assertEquals(0, r.code(), r.err());
        String out = r.out();
        assertTrue(
                out.contains(
                        "Relu-n.onnx inference, x f32[2,3], 2 threads, 3 runs each (taking turns in blocks of 10) after 1"
                                + " warm-up runs:\n"),
                out);
        assertTrue(
                Pattern.compile("\n  fused +\\d+ kernels .* median +[0-9.]+ ms  \\(min [0-9.]+, max [0-9.]+\\)")
                        .matcher(out)
                        .find(),
                out);
        assertTrue(out.contains("  peer     median "), out);
        assertTrue(out.contains("ONNX Runtime 1.29.0 (2 intra-op threads, all graph optimizations)\n"), out);
        assertTrue(out.contains("x the speed of ONNX Runtime, unfused "), out);
        assertTrue(out.contains("where the fused step's time goes"), out);
        Map<?, ?> j = (Map<?, ?>) Json.parse(Files.readString(json), json.toString());
        Map<?, ?> peer = (Map<?, ?>) j.get("peer");
        assertEquals("{x=f32[2,3]}", j.get("inputs").toString());
        assertTrue(((Number) peer.get("median_ms")).doubleValue() > 0, peer.toString());
        // relu(x) + bias: both engines exact in f32
        assertEquals(0.0, ((Number) peer.get("max_relative_difference")).doubleValue(), 1e-7, peer.toString());
        assertTrue(((Map<?, ?>) j.get("fused")).containsKey("profile"), j.toString());
    }

    @Test
    void withoutOnnxRuntimeOnTheClassPathThePeerIsAOneLineErrorSayingHowToGetIt() throws IOException {
        Path model = OnnxCommandTest.model(tmp, "Relu", "batch");
        String was = OnnxBench.peerClass;
        OnnxBench.peerClass = "ai.onnxruntime.NotThere";
        try {
            Run r = run("bench", "--onnx", model.toString(), "--input", "x=" + input(), "--peer", "onnxruntime");
            assertEquals(1, r.code());
            assertEquals(
                    "javelin: --peer onnxruntime needs ONNX Runtime Java on the class path, and it is not there: copy"
                            + " com.microsoft.onnxruntime:onnxruntime:1.29.0 into cli/target/lib (mvn -q"
                            + " dependency:copy -Dartifact=com.microsoft.onnxruntime:onnxruntime:1.29.0"
                            + " -DoutputDirectory=cli/target/lib)\n",
                    r.err());
        } finally {
            OnnxBench.peerClass = was;
        }
    }

    @Test
    void argumentMistakesAreOneLineErrors() throws IOException {
        String model = OnnxCommandTest.model(tmp, "Relu", "batch").toString();
        String x = "x=" + input();
        assertEquals(
                "javelin: unknown --peer 'tensorflow' (expected onnxruntime)\n",
                run("bench", "--onnx", model, "--input", x, "--peer", "tensorflow")
                        .err());
        assertEquals(
                "javelin: --onnx times the CPU backend (--backend simd), found --backend cuda\n",
                run("bench", "--onnx", model, "--input", x, "--backend", "cuda").err());
        assertEquals(
                "javelin: --onnx times inference with a text report: --train and --html do not apply\n",
                run("bench", "--onnx", model, "--input", x, "--train").err());
        assertEquals(
                "javelin: --input, --dim and --peer work with --onnx MODEL.onnx\n",
                run("bench", "--model", "mnist-mlp", "--peer", "onnxruntime").err());
        assertEquals(
                "javelin: give one of --model NAME, --all-models, --onnx MODEL.onnx, --pointwise ELEMENTS, --reduce"
                        + " ELEMENTS or --matmul N\n",
                run("bench", "--onnx", model, "--model", "mnist-mlp").err());
        assertEquals(
                "javelin: --input expects NAME=FILE.npy, found 'x'\n",
                run("bench", "--onnx", model, "--input", "x").err());
        assertEquals(
                "javelin: input 'x' is missing; the model's inputs are [x]\n",
                run("bench", "--onnx", model).err());
        assertEquals(
                "javelin: the model has no input 'y'; its inputs are [x]\n",
                run("bench", "--onnx", model, "--input", x, "--input", "y=" + input())
                        .err());
    }
}
