package dev.javelin.compiler.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.HtmlChecks;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * The parts of the HTML report on small cases counted by hand: the graph drawings (one box per node
 * before fusion, one outlined group per kernel after), the memory timeline (bytes live at each
 * kernel), the roofline's arithmetic, and a page that stays well-formed whatever its text holds.
 */
class ReportPartsTest {
    /** {@code y = softmax(x @ w + b)} over [4, 8] x [8, 3]. */
    private static Graph classifier() {
        GraphBuilder b = new GraphBuilder("classifier");
        Value x = b.input("x", TensorType.of(DType.F32, 4, 8));
        Value w = b.parameter("w", TensorType.of(DType.F32, 8, 3));
        Value bias = b.parameter("b", TensorType.of(DType.F32, 3));
        Value h = b.binary(BinaryFn.ADD, b.matmul(x, w), bias);
        Value max = b.reduce(ReduceFn.MAX, h, true, 1);
        Value e = b.unary(UnaryFn.EXP, b.binary(BinaryFn.SUB, h, max));
        b.output("y", b.binary(BinaryFn.DIV, e, b.reduce(ReduceFn.SUM, e, true, 1)));
        return b.build();
    }

    @Test
    void graphBeforeFusionHasABoxPerNodeAndAfterFusionAGroupPerKernel() {
        Compilation fused = Pipeline.compile(classifier(), Map.of(), PassOptions.defaults());
        Graph g = fused.graph();
        long nodes =
                g.nodes().stream().filter(n -> !(n.op() instanceof Constant)).count();
        String before = GraphSvg.before(g, "t0");
        HtmlChecks.parse(before);
        assertEquals(nodes, count(before, "rx=\"4\""), before);
        assertEquals(0, count(before, "rx=\"8\""));
        long edges = g.nodes().stream()
                .filter(n -> !(n.op() instanceof Constant))
                .mapToLong(n -> n.inputs().stream()
                        .distinct()
                        .filter(i -> !(g.node(i).op() instanceof Constant))
                        .count())
                .sum();
        assertEquals(edges, count(before, "marker-end="), "one edge per distinct non-constant operand");

        String after = GraphSvg.after(g, fused.plan(), "t1");
        HtmlChecks.parse(after);
        List<Kernel> kernels = fused.plan().kernels();
        assertEquals(kernels.size(), count(after, "rx=\"8\""), after);
        assertEquals(3, count(after, "rx=\"4\""), "the input and both parameters: " + after);
        for (Kernel k : kernels) {
            assertTrue(after.contains("<title>" + k.name() + " ("), k.name());
        }
        assertTrue(after.contains("id=\"t1-arrow\"") && !after.contains("t0-arrow"), "ids are the caller's");
    }

    @Test
    void memoryTimelineCountsTheBuffersLiveAtEachKernel() {
        // x[256] -> exp -> neg -> y, unfused: kernel 0 writes e (1 KiB), kernel 1 reads e and writes y.
        GraphBuilder b = new GraphBuilder("chain");
        Value x = b.input("x", TensorType.of(DType.F32, 256));
        b.output("y", b.unary(UnaryFn.NEG, b.unary(UnaryFn.EXP, x)));
        Graph g = b.build();
        PassOptions unfused = PassOptions.defaults().withDisabled(Pipeline.FUSE);
        // Without reuse each buffer has its own 1 KiB: e alone, then e and y, then y at the copy-out.
        var separate = Pipeline.compile(
                        g, Map.of(), PassOptions.defaults().withDisabled(Pipeline.FUSE, Pipeline.PLAN_MEMORY))
                .plan();
        assertArrayEquals(new long[] {1024, 2048, 1024}, MemoryTimeline.liveBytes(separate));
        assertEquals(1, MemoryTimeline.peakStep(MemoryTimeline.liveBytes(separate)));
        // Planned, y is written in place of e (its last read): 1 KiB throughout, the arena's size.
        var planned = Pipeline.compile(g, Map.of(), unfused).plan();
        assertArrayEquals(new long[] {1024, 1024, 1024}, MemoryTimeline.liveBytes(planned));
        assertEquals(1024, planned.arenaBytes());
    }

    @Test
    void rooflineIsTheBandwidthSlopeUpToThePeak() {
        Ceilings c = new Ceilings(20, 100, "test");
        assertEquals(5.0, c.ridge(), 1e-12);
        assertEquals(0.25 * 20, c.roof(0.25), 1e-12);
        assertEquals(100, c.roof(5), 1e-12);
        assertEquals(100, c.roof(64), 1e-12);
        BenchRun.KernelTime k = new BenchRun.KernelTime("k0", "pointwise", 3_000_000, 12_000_000, 0.5);
        assertEquals(0.25, k.intensity(), 1e-12);
        assertEquals(6.0, k.gflops(), 1e-12);
        assertEquals(24.0, k.gbps(), 1e-12);
    }

    @Test
    void pageStaysWellFormedWhateverItsTextHolds() {
        TrainingChart chart = new TrainingChart();
        for (int s = 0; s < 20; s++) {
            chart.loss(s, 2.0 / (s + 1));
        }
        chart.accuracy(19, 0.5);
        String title = "a <b> & \"c\" 'd' \u0001";
        String page = new HtmlReport(title)
                .note(title)
                .training(chart, title, List.of("final <accuracy> & more"))
                .html();
        Document doc = HtmlChecks.parse(page);
        HtmlChecks.selfContained(page, doc);
        assertEquals(Set.of("training"), HtmlChecks.sections(doc));
        assertTrue(page.contains("a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; "), page.substring(0, 400));
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
