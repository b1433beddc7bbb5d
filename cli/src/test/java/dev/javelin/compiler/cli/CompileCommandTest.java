package dev.javelin.compiler.cli;

import static dev.javelin.compiler.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.Cli.Run;
import dev.javelin.compiler.testing.ReportChecks;
import dev.javelin.dsl.json.Json;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.ir.plan.PlanPrinter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code javelin compile} on graph IR files (the named models live in test-models, whose tests
 * cover {@code --model}): the report's fields and sums, dumps, the plan file, errors, determinism.
 */
class CompileCommandTest {
    static final Path CLASSIFIER = JavelinCliTest.EXAMPLES.resolve("classifier.ir");
    static final Path SGD_STEP = JavelinCliTest.EXAMPLES.resolve("sgd_step.ir");

    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    static Map<String, Object> readReport(Path p) throws IOException {
        return (Map<String, Object>) Json.parse(Files.readString(p), p.toString());
    }

    static void assertFails(Run r, int code, String message) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("javelin: " + message), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void emitsTheCudaSourceWithItsManifestAndTheJavaSource() throws IOException {
        Path out = tmp.resolve("emit");
        Run r = run("compile", SGD_STEP.toString(), "--batch", "4", "--target", "cuda", "--emit", out.toString());
        assertEquals(0, r.code(), r.err());
        try (var files = Files.list(out)) {
            List<String> names =
                    files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(3, names.size(), names.toString());
            assertTrue(
                    names.get(0).endsWith(".cu")
                            && names.get(1).endsWith(".kernels.txt")
                            && names.get(2).endsWith(".launches.txt"),
                    names.toString());
            String cu = Files.readString(out.resolve(names.get(0)));
            assertTrue(cu.contains("extern \"C\" __global__"), cu);
            String kernels = Files.readString(out.resolve(names.get(1)));
            assertTrue(kernels.startsWith("kernel k0_") && kernels.contains("  stage 0: "), kernels);
            String manifest = Files.readString(out.resolve(names.get(2)));
            assertTrue(
                    manifest.contains("launch ") && manifest.contains("memory_bytes ") && manifest.contains("\narena "),
                    manifest);
        }
        assertTrue(r.out().contains("CUDA source written to "), r.out());
        assertTrue(r.out().contains("Kernel IR written to "), r.out());
        assertTrue(r.out().contains("arena (cuda): "), r.out());
        Run java = run("compile", SGD_STEP.toString(), "--batch", "4", "--target", "java", "--emit", out.toString());
        assertEquals(0, java.code(), java.err());
        assertTrue(java.out().contains("Java source written to "), java.out());
        assertFails(run("compile", SGD_STEP.toString(), "--emit", out.toString()), 2, "--emit needs --target");
    }

    @Test
    void reportOfAGraphFile() throws IOException {
        Path json = tmp.resolve("r.json");
        Run r = run("compile", CLASSIFIER.toString(), "--batch", "16", "--report", json.toString(), "--verify");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().startsWith("classifier at batch=16: "), r.out());
        assertTrue(r.out().contains("report written to " + json), r.out());
        Map<String, Object> rep = readReport(json);
        assertEquals(
                List.of(
                        "model",
                        "train",
                        "fusion",
                        "batch",
                        "sizes",
                        "kernel_count",
                        "kernels",
                        "total_flops",
                        "total_bytes_moved",
                        "memory",
                        "passes"),
                List.copyOf(rep.keySet()));
        assertEquals("classifier", rep.get("model"));
        assertEquals(false, rep.get("train"));
        assertEquals(true, rep.get("fusion"));
        assertEquals(16L, rep.get("batch"));
        assertEquals(Map.of("batch", 16L), rep.get("sizes"));
        ReportChecks.check(rep);
        List<?> passes = (List<?>) rep.get("passes");
        assertEquals(
                List.of(
                        "fold-constants",
                        "identities",
                        "layout",
                        "conv-layout",
                        "cse",
                        "dce",
                        "fuse",
                        "prepack",
                        "schedule",
                        "update-in-place",
                        "plan-memory"),
                passes.stream().map(p -> ((Map<?, ?>) p).get("name")).toList());
        assertFalse(passes.stream().anyMatch(p -> ((Map<?, ?>) p).containsKey("millis")));
    }

    @Test
    void noFusionGivesOneKernelPerPrimitive() throws IOException {
        Path json = tmp.resolve("r.json");
        Run r = run("compile", CLASSIFIER.toString(), "--no-fusion", "--report", json.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> rep = readReport(json);
        ReportChecks.check(rep);
        assertEquals(false, rep.get("fusion"));
        assertEquals(64L, rep.get("batch"));
        // matmul, add, max, reduce_max, sub, exp, reduce_sum, div; the constant is folded into max
        assertEquals(8L, rep.get("kernel_count"));
        List<?> kernels = (List<?>) rep.get("kernels");
        assertTrue(kernels.stream().allMatch(k -> ((List<?>) ((Map<?, ?>) k).get("nodes")).size() <= 2));
    }

    @Test
    void explainFusionPrintsRefusalsThenMergesAfterTheReport() {
        Run r = run("compile", CLASSIFIER.toString(), "--batch", "4", "--explain-fusion", "--target", "cuda");
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                classifier at batch=4: 2 kernels, 180 FLOPs, 268 bytes moved
                memory: peak 512 bytes, lower bound 512, no reuse 512 (reuse saves 0 bytes, 0.00%)
                fusion for target cuda: 2 kernels, 6 merges made, 1 refused
                %relu (max) + %m (reduce_max): refused, a reduction cannot share a kernel with %h (matmul), found %m (reduce_max)
                %h (matmul) + %hb (add): fused (epilogue), score 4192 (96 bytes saved, 1 launch saved, 0 elements recomputed)
                %hb (add) + %relu (max): fused (epilogue), score 4192 (96 bytes saved, 1 launch saved, 0 elements recomputed)
                %m (reduce_max) + %d (sub): fused (reduction), score 4128 (32 bytes saved, 1 launch saved, 0 elements recomputed)
                %d (sub) + %e (exp): fused (reduction), score 4192 (96 bytes saved, 1 launch saved, 0 elements recomputed)
                %e (exp) + %s (reduce_sum): fused (reduction), score 4144 (48 bytes saved, 1 launch saved, 0 elements recomputed)
                %e (exp) + %probs (div): fused (reduction), score 4224 (128 bytes saved, 1 launch saved, 0 elements recomputed)
                """, r.out());
        Run java = run("compile", CLASSIFIER.toString(), "--batch", "4", "--explain-fusion");
        assertTrue(java.out().contains("\nfusion for target java: 2 kernels, 6 merges made, 1 refused\n"), java.out());
        Run off = run("compile", CLASSIFIER.toString(), "--explain-fusion", "--no-fusion");
        assertTrue(off.out().endsWith("fusion: off\nfusion is off: no merges to explain\n"), off.out());
        Run plain = run("compile", CLASSIFIER.toString(), "--batch", "4");
        assertFalse(plain.out().contains("fusion for target"), plain.out());
    }

    @Test
    void timePassesPrintsTheReportToStderrAndTimesInTheJson() throws IOException {
        Path json = tmp.resolve("r.json");
        Run r = run("compile", CLASSIFIER.toString(), "--time-passes", "--report", json.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(11, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("001 fold-constants"), r.err());
        assertTrue(lines.stream().allMatch(l -> l.endsWith(" ms)")), r.err());
        List<?> passes = (List<?>) readReport(json).get("passes");
        assertTrue(passes.stream().allMatch(p -> ((Map<?, ?>) p).get("millis") instanceof Double), passes.toString());
    }

    @Test
    void dumpIrWritesEveryStepAndEmitPlanTheFinalPlan() throws IOException {
        Path dir = tmp.resolve("dump");
        Path planFile = tmp.resolve("out.plan");
        Run r = run(
                "compile",
                CLASSIFIER.toString(),
                "--batch",
                "8",
                "--dump-ir",
                dir.toString(),
                "--emit-plan",
                planFile.toString());
        assertEquals(0, r.code(), r.err());
        List<String> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals("000-input.ir", files.get(0));
        assertTrue(files.stream().allMatch(f -> f.matches("\\d{3}-[a-z-]+\\.(ir|plan)")), files.toString());
        assertTrue(files.stream().filter(f -> f.endsWith(".ir")).count() > 1, files.toString());
        assertTrue(files.contains("007-fuse.plan"), files.toString());
        String last = files.getLast();
        assertEquals("011-plan-memory.plan", last);
        Plan dumped = PlanParser.parse(Files.readString(dir.resolve(last)), last);
        Plan emitted = PlanParser.parse(Files.readString(planFile), planFile.toString());
        assertEquals(emitted, dumped);
        assertEquals(Map.of("batch", 8L), emitted.sizes());
        assertEquals(PlanPrinter.print(emitted), Files.readString(planFile));
    }

    @Test
    void loadTimeKernelsAndPackedBytesAreMarked() throws IOException {
        Path ir = Files.writeString(tmp.resolve("pre.ir"), """
                graph prepacked {
                  %x = input : f32[batch,4]
                  %w = parameter : f32[4,3]
                  %w2 = mul(%w, %w) : f32[4,3]
                  %h = matmul(%x, %w2) {transpose_a=false, transpose_b=false} : f32[batch,3]
                  output y = %h
                }
                """);
        Path json = tmp.resolve("r.json");
        Run r = run("compile", ir.toString(), "--batch", "2", "--report", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("prepacked at batch=2: 2 kernels (1 at load time, 48 packed bytes), "), r.out());
        Map<String, Object> rep = readReport(json);
        ReportChecks.check(rep);
        List<?> kernels = (List<?>) rep.get("kernels");
        assertEquals(true, ((Map<?, ?>) kernels.get(0)).get("load_time"));
        assertFalse(((Map<?, ?>) kernels.get(1)).containsKey("load_time"));
        assertEquals(48L, ((Map<?, ?>) rep.get("memory")).get("packed_bytes"));
    }

    @Test
    void twoRunsGiveByteIdenticalReports() throws IOException {
        Path a = tmp.resolve("a.json");
        Path b = tmp.resolve("b.json");
        assertEquals(
                0, run("compile", SGD_STEP.toString(), "--report", a.toString()).code());
        assertEquals(
                0, run("compile", SGD_STEP.toString(), "--report", b.toString()).code());
        assertEquals(Files.readString(a), Files.readString(b));
        ReportChecks.check(readReport(a));
        // sgd_step has no symbolic dimension: nothing to bind
        assertEquals(Map.of(), readReport(a).get("sizes"));
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        assertFails(run("compile"), 2, "give either FILE or --model NAME (see 'javelin compile --help')");
        assertFails(run("compile", CLASSIFIER.toString(), "--model", "x"), 2, "give either FILE or --model NAME");
        assertFails(run("compile", CLASSIFIER.toString(), "--train"), 2, "--train needs --model NAME");
        assertFails(run("compile", CLASSIFIER.toString(), "--batch", "0"), 2, "--batch must be at least 1, found 0");
        assertFails(
                run("compile", CLASSIFIER.toString(), "--target", "tpu"),
                2,
                "--target must be cuda or java, found 'tpu'");
        assertFails(
                run("compile", CLASSIFIER.toString(), "--optimizer", "adam"),
                2,
                "--optimizer needs --train (an inference graph has no optimizer)");
        assertFails(
                run("compile", CLASSIFIER.toString(), "--disable", "a", "--disable", "b"),
                2,
                "--disable: unknown passes 'a', 'b'; the passes are fold-constants,");
        Run r = run("compile", CLASSIFIER.toString(), "--disable", "fuze", "--disable", "cse");
        assertFails(r, 2, "--disable: unknown pass 'fuze'; the passes are fold-constants, identities, layout,");
        assertTrue(r.err().contains("fuse, prepack, schedule, update-in-place, plan-memory, in-place"), r.err());
    }

    @Test
    void disableSwitchesPassesOff() throws IOException {
        Path json = tmp.resolve("r.json");
        Run r = run(
                "compile", CLASSIFIER.toString(), "--disable", "cse", "--disable", "fuse", "--report", json.toString());
        assertEquals(0, r.code(), r.err());
        Map<String, Object> rep = readReport(json);
        assertEquals(false, rep.get("fusion"));
        for (Object p : (List<?>) rep.get("passes")) {
            Map<?, ?> m = (Map<?, ?>) p;
            boolean off = m.get("name").equals("cse") || m.get("name").equals("fuse");
            assertEquals(!off, m.get("ran"), m.toString());
        }
    }

    @Test
    void aReportPathThatIsAFolderFailsBeforeCompiling() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("reports"));
        assertFails(
                run("compile", CLASSIFIER.toString(), "--report", dir.toString()),
                1,
                "cannot write the report to " + dir + ": it is a folder");
        Path dumpFile = Files.writeString(tmp.resolve("dump"), "x");
        assertFails(
                run("compile", CLASSIFIER.toString(), "--dump-ir", dumpFile.toString()),
                1,
                "cannot dump the IR into " + dumpFile + ": it is a file, not a folder");
    }

    @Test
    void aFailedCompileLeavesAnExistingReportIntact() throws IOException {
        Path json = Files.writeString(tmp.resolve("r.json"), "{\"old\":true}\n");
        Path bad = Files.writeString(tmp.resolve("bad.ir"), "graph g {\n  %x = input f32[2]\n}\n");
        Run r = run("compile", bad.toString(), "--report", json.toString());
        assertEquals(1, r.code());
        assertFalse(r.err().contains("\tat "), r.err());
        assertFails(run("compile", "no/such.ir", "--report", json.toString()), 1, "no such file: no/such.ir");
        assertFails(run("compile", CLASSIFIER.toString(), "--batch", "-3", "--report", json.toString()), 2, "--batch");
        assertEquals("{\"old\":true}\n", Files.readString(json));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(2, s.count(), "no temporary files left behind");
        }
    }

    @Test
    void otherSymbolicDimensionsAreNamed() throws IOException {
        Path seq = Files.writeString(tmp.resolve("seq.ir"), """
                graph seqs {
                  %x = input : f32[batch,seq]
                  %y = neg(%x) : f32[batch,seq]
                  output y = %y
                }
                """);
        assertFails(
                run("compile", seq.toString()),
                1,
                "graph seqs has symbolic dimension seq; compile can only bind 'batch' (--batch N)");
    }

    @Test
    void helpListsThePassNames() {
        Run r = run("compile", "--help");
        assertEquals(0, r.code());
        for (String pass : dev.javelin.passes.pipeline.Pipeline.passNames()) {
            assertTrue(r.out().contains(pass), pass + " missing from\n" + r.out());
        }
        assertTrue(r.out().contains("--conv-layout"), r.out());
        assertTrue(run("--help").out().contains("compile"));
    }
}
