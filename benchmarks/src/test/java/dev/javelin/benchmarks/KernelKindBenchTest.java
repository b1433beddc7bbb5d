package dev.javelin.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.value.NdArray;
import dev.javelin.runtime.cpu.CpuPool;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * The benchmarks compute the right thing (fused and unfused against each other and against the
 * float64 interpreter, on small sizes with vector tails), fusion is what saves kernels and bytes,
 * and every benchmark runs under JMH in both forms.
 */
class KernelKindBenchTest {
    /** A benchmark class at a small size (odd, so vector loops have scalar tails). */
    record Case(Class<? extends KernelKindBench> bench, String size) {
        Graph graph() throws ReflectiveOperationException {
            KernelKindBench b = bench.getConstructor().newInstance();
            bench.getField("size").set(b, size);
            return b.graph();
        }

        @Override
        public String toString() {
            return bench.getSimpleName() + " " + size;
        }
    }

    static List<Case> cases() {
        return List.of(
                new Case(PointwiseChainBench.class, "1001"),
                new Case(SoftmaxBench.class, "33x100"),
                new Case(LayerNormBench.class, "33x100"),
                new Case(GemmBiasReluBench.class, "33x40x50"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bothFormsMatchTheInterpreterAndFusionMovesLess(Case c) throws ReflectiveOperationException {
        Graph g = c.graph();
        Map<String, NdArray> feeds = KernelGraphs.feeds(g, KernelKindBench.SEED);
        Interpreter.Result want = Interpreter.run(g, feeds);
        try (CpuPool pool = new CpuPool(2)) {
            Variant fused = Variant.compile(g, Variant.FUSED, feeds, pool);
            Variant unfused = Variant.compile(g, Variant.UNFUSED, feeds, pool);
            fused.requireAgreement(unfused, KernelKindBench.TOLERANCE);
            for (Variant v : List.of(fused, unfused)) {
                for (Output o : g.outputs()) {
                    Variant.requireClose(
                            o.name(),
                            want.outputs().get(o.name()).toDoubles(),
                            v.executor().get("output", o.name()),
                            KernelKindBench.TOLERANCE,
                            v.form() + " " + c + " against the interpreter");
                }
            }
            assertEquals(1, fused.kernels(), c + ": fused kernels");
            assertTrue(fused.kernels() < unfused.kernels(), c + ": unfused kernels " + unfused.kernels());
            assertTrue(fused.bytes() < unfused.bytes(), c + ": bytes " + fused.bytes() + " vs " + unfused.bytes());
        }
    }

    @Test
    void everyBenchmarkRunsFusedAndUnfusedUnderJmh() throws RunnerException {
        for (Case c : cases()) {
            // In this JVM (no fork): the test JVM already has the Vector API flags of @Fork.
            Collection<RunResult> results = new Runner(new OptionsBuilder()
                            .include("^" + c.bench().getName() + "\\.step$")
                            .param("size", c.size())
                            .forks(0)
                            .warmupIterations(0)
                            .measurementIterations(1)
                            .measurementTime(TimeValue.milliseconds(100))
                            .verbosity(VerboseMode.SILENT)
                            .build())
                    .run();
            Set<String> forms =
                    results.stream().map(r -> r.getParams().getParam("form")).collect(Collectors.toSet());
            assertEquals(Set.of(Variant.FUSED, Variant.UNFUSED), forms, c.toString());
            for (RunResult r : results) {
                double score = r.getPrimaryResult().getScore();
                assertTrue(score > 0, c + " " + r.getParams().getParam("form") + ": score " + score);
            }
        }
    }

    @Test
    void aDifferenceBeyondTheToleranceStopsTheTrial() {
        double[] want = {1, -2, 0.5};
        assertEquals(0, Variant.requireClose("y", want, new float[] {1, -2, 0.5f}, 1e-4, "same"));
        var e = assertThrows(
                IllegalStateException.class,
                () -> Variant.requireClose("y", want, new float[] {1, -2, 0.51f}, 1e-4, "fused against unfused"));
        assertEquals(
                "y[2]: expected 0.5, found 0.51 (relative difference 5.00e-03, tolerance 1e-04; fused against"
                        + " unfused)",
                e.getMessage());
        assertThrows(
                IllegalStateException.class,
                () -> Variant.requireClose("y", want, new float[] {1, -2, Float.NaN}, 1e-4, "NaN"));
    }

    @Test
    void aMalformedSizeIsRefusedByName() {
        var e = assertThrows(IllegalArgumentException.class, () -> KernelKindBench.dims("512x512", 3));
        assertEquals("size must be 3 positive integer(s) joined by 'x', found '512x512'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KernelKindBench.dims("4096x", 2));
        assertThrows(IllegalArgumentException.class, () -> KernelKindBench.dims("0", 1));
    }
}
