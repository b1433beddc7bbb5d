package dev.javelin.models;

import static dev.javelin.compiler.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.Cli.Run;
import dev.javelin.dsl.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code javelin bench} on the CPU backend: {@code --all-models} times every test model fused and
 * unfused and writes, per model, the medians, kernel counts and bytes moved (fusion moves fewer);
 * options that only the CUDA backend has are refused with a clear message.
 */
class BenchCommandTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("unchecked")
    void allModelsReportsMediansKernelsAndBytesForEveryModel() throws Exception {
        Path json = tmp.resolve("all.json");
        Run r = run(
                "bench",
                "--all-models",
                "--train",
                "--batch",
                "4",
                "--runs",
                "3",
                "--warmup",
                "1",
                "--threads",
                "2",
                "--json",
                json.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("kernels f/u"), r.out());
        Map<String, Object> j = (Map<String, Object>) Json.parse(Files.readString(json), json.toString());
        List<Map<String, Object>> models = (List<Map<String, Object>>) j.get("models");
        assertEquals(
                new TestModels().names(),
                models.stream().map(m -> m.get("model")).toList());
        for (Map<String, Object> m : models) {
            Map<String, Object> fused = (Map<String, Object>) m.get("fused");
            Map<String, Object> unfused = (Map<String, Object>) m.get("unfused");
            for (Map<String, Object> v : List.of(fused, unfused)) {
                assertTrue(((Number) v.get("median_ms")).doubleValue() > 0, m.toString());
                assertTrue(((Number) v.get("kernels")).intValue() > 0, m.toString());
                assertTrue(((Number) v.get("bytes")).longValue() > 0, m.toString());
            }
            assertTrue(
                    ((Number) fused.get("bytes")).longValue() < ((Number) unfused.get("bytes")).longValue(),
                    "fusion moves fewer bytes: " + m);
            assertTrue(
                    ((Number) fused.get("kernels")).intValue() < ((Number) unfused.get("kernels")).intValue(),
                    m.toString());
            assertTrue(((String) m.get("why")).contains("fewer kernels"), m.toString());
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void backendAllRunsTheCpuAndSaysWhyCudaDidNotRunWithoutAGpu() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                dev.javelin.runtime.cuda.CudaDevices.probe().available(), "a GPU is here: CUDA would run");
        Path json = tmp.resolve("all.json");
        Run r = run(
                "bench",
                "--model",
                "two-layer-net",
                "--backend",
                "all",
                "--batch",
                "4",
                "--runs",
                "3",
                "--warmup",
                "1",
                "--threads",
                "2",
                "--json",
                json.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("CUDA: not run: "), r.out());
        Map<String, Object> j = (Map<String, Object>) Json.parse(Files.readString(json), json.toString());
        assertEquals("two-layer-net", j.get("model"));
        assertTrue(((Map<String, Object>) j.get("fused")).get("median_ms") instanceof Number, j.toString());
        assertTrue(((Map<String, Object>) j.get("cuda")).containsKey("not_run"), j.toString());
    }

    @Test
    void cudaOnlyOptionsAreRefusedOnTheCpu() {
        Run matmul = run("bench", "--matmul", "64");
        assertEquals(1, matmul.code(), matmul.err());
        assertTrue(matmul.err().contains("--matmul times the CUDA GEMM"), matmul.err());
        Run html = run("bench", "--model", "mnist-mlp", "--backend", "cuda", "--html", "x.html");
        assertEquals(1, html.code(), html.err());
        assertTrue(html.err().contains("--html reports the CPU backend"), html.err());
        Run all = run("bench", "--pointwise", "1000", "--backend", "all");
        assertEquals(1, all.code(), all.err());
        assertTrue(all.err().contains("--backend all works with --model NAME or --all-models"), all.err());
        Run unknown = run("bench", "--model", "no-such-model");
        assertEquals(1, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("no-such-model"), unknown.err());
        Run none = run("bench");
        assertTrue(none.err().contains("give one of --model NAME, --all-models"), none.err());
    }
}
