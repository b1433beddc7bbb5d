package dev.javelin.passes.simplify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.ImageOp;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.testing.Seeds;
import dev.javelin.ir.text.Parser;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassManager;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The preferred convolution layout, with conversions only at the edges, and exact numbers. */
class ConvLayoutTest {
    /** LeNet-5's feature extractor and classifier head, NCHW as the DSL writes it. */
    private static final String LENET = """
            graph lenet {
              %x = input : f32[batch,1,28,28]
              %w1 = parameter : f32[6,1,5,5]
              %b1 = parameter : f32[6,1,1]
              %w2 = parameter : f32[16,6,5,5]
              %b2 = parameter : f32[16,1,1]
              %fc = parameter : f32[256,10]
              %zero = constant {values=[0.0]} : f32[]
              %0 = conv2d(%x, %w1) {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1} : f32[batch,6,24,24]
              %1 = add(%0, %b1) : f32[batch,6,24,24]
              %2 = max(%1, %zero) : f32[batch,6,24,24]
              %3 = max_pool2d(%2) {kernel=[2,2], stride=[2,2], padding=[0,0,0,0]} : f32[batch,6,12,12]
              %4 = conv2d(%3, %w2) {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1} : f32[batch,16,8,8]
              %5 = add(%4, %b2) : f32[batch,16,8,8]
              %6 = max(%5, %zero) : f32[batch,16,8,8]
              %7 = max_pool2d(%6) {kernel=[2,2], stride=[2,2], padding=[0,0,0,0]} : f32[batch,16,4,4]
              %8 = reshape(%7) {shape=[batch,256]} : f32[batch,256]
              %9 = matmul(%8, %fc) {transpose_a=false, transpose_b=false} : f32[batch,10]
              output logits = %9
            }
            """;

    private static long count(Graph g, Class<?> op) {
        return g.nodes().stream().filter(n -> op.isInstance(n.op())).count();
    }

    @Test
    void lenetInNhwcKeepsConversionsOnlyAtTheEdges() {
        Graph g = Parser.parse(LENET);
        PassManager.Result r = PassManager.run(
                g, List.of(new ConvLayout(Optional.of(Layout.NHWC)), new Dce()), PassOptions.verifying());
        Graph out = r.graph();
        for (Node n : out.nodes()) {
            if (n.op() instanceof ImageOp img) {
                assertEquals(Layout.NHWC, img.layout(), n.toString());
            }
        }
        // The input image, the two filters, the two biases, and the flatten: six permutes.
        List<String> permuted = out.nodes().stream()
                .filter(n -> n.op() instanceof Permute)
                .map(n -> n.inputs().getFirst())
                .toList();
        assertEquals(6, permuted.size(), "permutes of " + permuted + " in\n" + dev.javelin.ir.text.Printer.print(out));
        var feeds = RandomGraphs.feeds(g, 3, 2);
        var sizes = Map.of("batch", 2L);
        assertEquals(
                Interpreter.run(g, feeds).outputs(), Interpreter.run(out, feeds).outputs());
        assertEquals(0, count(Parser.parse(LENET), Permute.class));
        // Compiled for inference, the two filter permutes run at load time (the bias permutes are
        // index maps folded into the convolution epilogues).
        Compilation c = Pipeline.compile(g, sizes, PassOptions.verifying().withConvLayout(Layout.NHWC));
        assertEquals(2, c.run(Pipeline.PREPACK).counter("load-kernels"));
        assertEquals(
                Interpreter.run(g, feeds).outputs(),
                PlanInterpreter.run(c.plan(), feeds).outputs());
    }

    /**
     * A sum over H and W moves below the layout permute (the axes keep their order, so the sum adds
     * in the same order); a sum over C and W does not (NHWC would visit W before C).
     */
    @Test
    void aReductionMovesOnlyWhenItsAxesKeepTheirOrder() {
        String ir = """
                graph g {
                  %x = input : f32[2,3,4,5]
                  %w = parameter : f32[3,3,1,1]
                  %0 = conv2d(%x, %w) {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1} : f32[2,3,4,5]
                  %1 = reduce_sum(%0) {axes=[2,3], keep_dims=false} : f32[2,3]
                  %2 = reduce_sum(%0) {axes=[1,3], keep_dims=false} : f32[2,4]
                  output hw = %1
                  output cw = %2
                }
                """;
        Graph out = PassManager.run(
                        Parser.parse(ir),
                        List.of(new ConvLayout(Optional.of(Layout.NHWC)), new Dce()),
                        PassOptions.verifying())
                .graph();
        List<String> reduced = out.nodes().stream()
                .filter(n -> n.op() instanceof dev.javelin.ir.op.Reduce)
                .map(n -> out.node(n.inputs().getFirst()).op().mnemonic())
                .toList();
        // The H,W sum reads the NHWC convolution directly; the C,W sum still reads the permute back.
        assertEquals(List.of("conv2d", "permute"), reduced);
        var feeds = RandomGraphs.feeds(Parser.parse(ir), 4, 2);
        assertEquals(
                Interpreter.run(Parser.parse(ir), feeds).outputs(),
                Interpreter.run(out, feeds).outputs());
    }

    @Test
    void withoutAPreferenceNothingChanges() {
        Graph g = Parser.parse(LENET);
        assertEquals(
                g,
                PassManager.run(g, List.of(new ConvLayout(Optional.empty())), PassOptions.verifying())
                        .graph());
    }

    static LongStream seeds() {
        return Seeds.of("conv-layout-differential", 250);
    }

    /** Random graphs (with NCHW and NHWC image ops) compiled for each preferred layout give the same numbers. */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void everyPreferenceGivesTheInterpretersNumbers(long seed) {
        long batch = 1 + Math.floorMod(seed, 2L);
        RandomGraphs.check(seed, 1 + (int) Math.floorMod(seed >> 8, 30L), steps -> {
            Graph g = RandomGraphs.generate(seed, steps);
            var feeds = RandomGraphs.feeds(g, seed, (int) batch);
            Interpreter.Result want = Interpreter.run(g, feeds);
            for (Layout l : Layout.values()) {
                Compilation c = Pipeline.compile(
                        g, Map.of("batch", batch), PassOptions.verifying().withConvLayout(l));
                for (Node n : c.graph().nodes()) {
                    if (n.op() instanceof ImageOp img) {
                        assertEquals(l, img.layout(), n.toString());
                    }
                }
                Interpreter.Result got = PlanInterpreter.run(c.plan(), feeds);
                assertEquals(want.outputs(), got.outputs(), l + " outputs differ");
                assertEquals(want.updatedParameters(), got.updatedParameters(), l + " updates differ");
            }
        });
    }
}
