package dev.javelin.models;

import static dev.javelin.compiler.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.Cli.Run;
import dev.javelin.compiler.testing.ReportChecks;
import dev.javelin.dsl.json.Json;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.passes.lower.Lowering;
import dev.javelin.passes.lower.Specialize;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code javelin compile --model NAME}: the report of a real training step, fused and unfused. */
class CompileCommandTest {
    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    static Map<String, Object> compile(Path report, String... extra) throws IOException {
        List<String> args = new java.util.ArrayList<>(
                List.of("compile", "--model", "mnist-mlp", "--train", "--batch", "32", "--report", report.toString()));
        args.addAll(List.of(extra));
        Run r = run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().startsWith("mnist-mlp (training step, sgd) at batch=32: "), r.out());
        return (Map<String, Object>) Json.parse(Files.readString(report), report.toString());
    }

    @Test
    void fusedTrainingStep() throws IOException {
        Map<String, Object> rep = compile(tmp.resolve("r.json"));
        assertEquals("mnist-mlp", rep.get("model"));
        assertEquals(true, rep.get("train"));
        assertEquals("sgd", rep.get("optimizer"));
        assertEquals(true, rep.get("fusion"));
        assertEquals(32L, rep.get("batch"));
        assertEquals(Map.of("batch", 32L), rep.get("sizes"));
        assertEquals(0L, ((Map<?, ?>) rep.get("memory")).get("packed_bytes"), "a training step packs nothing");
        long kernels = (Long) rep.get("kernel_count");
        assertTrue(kernels <= 16, "kernel_count " + kernels);
        ReportChecks.check(rep);
        Map<?, ?> m = (Map<?, ?>) rep.get("memory");
        long peak = (Long) m.get("peak_bytes");
        long lower = (Long) m.get("lower_bound_bytes");
        long noReuse = (Long) m.get("no_reuse_bytes");
        assertTrue(lower <= peak && peak <= noReuse, m.toString());
        assertTrue(peak <= 1.10 * lower, m.toString());
        assertEquals(noReuse - peak, m.get("saving_bytes"));
    }

    @Test
    void unfusedTrainingStepHasOneKernelPerComputingPrimitive() throws IOException {
        Map<String, Object> fused = compile(tmp.resolve("fused.json"));
        Map<String, Object> unfused = compile(tmp.resolve("unfused.json"), "--no-fusion");
        assertEquals("mnist-mlp", unfused.get("model"));
        assertEquals(32L, unfused.get("batch"));
        assertEquals(false, unfused.get("fusion"));
        ReportChecks.check(unfused);
        long count = (Long) unfused.get("kernel_count");
        assertEquals(computingPrimitives(), count);
        assertTrue(count > (Long) fused.get("kernel_count"), count + " vs " + fused.get("kernel_count"));
        assertEquals(fused.get("total_flops"), unfused.get("total_flops"), "fusion changes traffic, not arithmetic");
        assertTrue((Long) unfused.get("total_bytes_moved") > (Long) fused.get("total_bytes_moved"));
    }

    /**
     * Nodes of the training graph, specialized to batch 32 and simplified as compile does, that
     * compute (constants only where an output or assign needs them in a buffer).
     */
    private static long computingPrimitives() {
        Trainer t = new Trainer(new TestModels().create("mnist-mlp"), Optimizer.sgd(), 0, null, Backend.INTERPRETER);
        Graph g = Pipeline.run(Specialize.graph(t.trainGraph(), Map.of("batch", 32L)), PassOptions.defaults())
                .graph();
        List<String> materialized = Lowering.materialized(g);
        long n = 0;
        for (Node node : g.nodes()) {
            boolean computing = !(node.op() instanceof Input
                    || node.op() instanceof Parameter
                    || node.op() instanceof Assign
                    || node.op() instanceof Constant);
            if (computing || materialized.contains(node.name())) {
                n++;
            }
        }
        return n;
    }

    @Test
    void dumpIrWritesNumberedGraphsAndPlans() throws IOException {
        Path dir = tmp.resolve("dump");
        compile(tmp.resolve("r.json"), "--dump-ir", dir.toString());
        List<String> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals("000-input.ir", files.getFirst());
        assertTrue(files.stream().allMatch(f -> f.matches("\\d{3}-[a-z-]+\\.(ir|plan)")), files.toString());
        assertTrue(files.stream().filter(f -> f.endsWith(".ir")).count() >= 2, files.toString());
        assertTrue(files.stream().filter(f -> f.endsWith(".plan")).count() >= 2, files.toString());
        String last = files.getLast();
        assertTrue(last.endsWith(".plan"), last);
        var plan = PlanParser.parse(Files.readString(dir.resolve(last)), last);
        assertEquals(Map.of("batch", 32L), plan.sizes());
    }

    @Test
    void twoRunsGiveByteIdenticalReports() throws IOException {
        compile(tmp.resolve("a.json"));
        compile(tmp.resolve("b.json"));
        assertEquals(Files.readString(tmp.resolve("a.json")), Files.readString(tmp.resolve("b.json")));
    }

    @Test
    void badInputIsOneLineWithoutAStackTrace() throws IOException {
        Path json = Files.writeString(tmp.resolve("r.json"), "keep me\n");
        assertFails(
                run("compile", "--model", "resnet", "--report", json.toString()),
                1,
                "unknown model 'resnet' (known: two-layer-net, mnist-mlp,");
        assertFails(
                run("compile", "--model", "mnist-mlp", "--batch", "0", "--report", json.toString()),
                2,
                "--batch must be at least 1, found 0");
        assertFails(
                run("compile", "--model", "mnist-mlp", "--disable", "fusion", "--report", json.toString()),
                2,
                "--disable: unknown pass 'fusion'; the passes are fold-constants,");
        assertFails(
                run("compile", "--model", "mnist-mlp", "--train", "--optimizer", "lion"),
                1,
                "unknown optimizer 'lion'");
        assertFails(
                run("compile", "--model", "mnist-mlp", "--report", tmp.toString()),
                1,
                "cannot write the report to " + tmp + ": it is a folder");
        assertEquals("keep me\n", Files.readString(json));
    }

    private static void assertFails(Run r, int code, String message) {
        assertEquals(code, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("javelin: " + message), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertEquals("", r.out());
    }
}
