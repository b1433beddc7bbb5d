package dev.javelin.passes.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.text.Parser;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The attention group: {@code softmax(matmul(Q, K2) ∘ c [+ mask]) · V} becomes one {@code attention}
 * kernel that writes only the product, with a division or a multiplication by the constant, with or
 * without a mask, with K laid out as Kᵀ or read with {@code transpose_b}; it is refused, by name,
 * where an intermediate is used outside the pattern, and by CUDA's veto. Every plan is also run
 * through the plan interpreter against the graph interpreter.
 */
class AttentionFusionTest {
    /** Q [batch, 2, 5, 8], Kᵀ [batch, 2, 8, 6], V [batch, 2, 6, 3]; {@code SCALE} and {@code MASKED} filled in. */
    private static final String ATTENTION = """
            graph attn {
              %q = input : f32[batch,2,5,8]
              %k = input : f32[batch,2,8,6]
              %v = input : f32[batch,2,6,3]
              %m = input : f32[5,6]
              %0 = matmul(%q, %k) {transpose_a=false, transpose_b=false} : f32[batch,2,5,6]
              %1 = constant {values=[2.0]} : f32[]
              SCALE
              MASKED
              %3 = reduce_max(%2) {axes=[3], keep_dims=true} : f32[batch,2,5,1]
              %4 = sub(%2, %3) : f32[batch,2,5,6]
              %5 = exp(%4) : f32[batch,2,5,6]
              %6 = reduce_sum(%5) {axes=[3], keep_dims=true} : f32[batch,2,5,1]
              %7 = div(%5, %6) : f32[batch,2,5,6]
              %8 = matmul(%7, %v) {transpose_a=false, transpose_b=false} : f32[batch,2,5,3]
              output y = %8
            }
            """;

    private static final String DIV = "%2 = div(%0, %1) : f32[batch,2,5,6]";
    private static final String MASK = """
            %9 = mul(%1, %0) : f32[batch,2,5,6]
              %2 = add(%9, %m) : f32[batch,2,5,6]""";

    private static String graph(String scale, String masked) {
        return ATTENTION.replace("SCALE", scale).replace("MASKED", masked);
    }

    private static Compilation compile(String ir, PassOptions options) {
        Graph g = Parser.parse(ir);
        Compilation c = Pipeline.compile(g, Map.of("batch", 3L), options);
        var feeds = RandomGraphs.feeds(g, 7, 3);
        assertEquals(Interpreter.run(g, feeds), PlanInterpreter.run(c.plan(), feeds));
        return c;
    }

    private static List<String> kinds(Compilation c) {
        return c.plan().kernels().stream().map(k -> k.kind().text()).toList();
    }

    private static List<String> refusals(Compilation c) {
        return c.fusion().orElseThrow().refusals().stream()
                .map(FusionDecision::text)
                .toList();
    }

    @Test
    void scoresOverAConstantSoftmaxAndProductAreOneKernelWritingOnlyTheProduct() {
        Compilation c = compile(graph(DIV, ""), PassOptions.verifying());
        assertEquals(List.of("attention"), kinds(c));
        Kernel k = c.plan().kernels().getFirst();
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8"), k.nodes());
        assertEquals(List.of("q", "k", "v"), k.reads());
        assertEquals(List.of("8"), k.writes());
        assertEquals(List.of(), refusals(c));
        assertEquals(1L, c.run(Pipeline.FUSE).counters().get("fused-attention"));
    }

    @Test
    void aMultiplicationByTheConstantAndAMaskJoinTheKernel() {
        Compilation c = compile(graph("", MASK), PassOptions.verifying());
        assertEquals(List.of("attention"), kinds(c));
        assertEquals(List.of("q", "k", "m", "v"), c.plan().kernels().getFirst().reads());
    }

    @Test
    void keysReadWithTransposeBJoinTheKernel() {
        String ir = graph(DIV, "")
                .replace("%k = input : f32[batch,2,8,6]", "%k = input : f32[batch,2,6,8]")
                .replace(
                        "matmul(%q, %k) {transpose_a=false, transpose_b=false}",
                        "matmul(%q, %k) {transpose_a=false," + " transpose_b=true}");
        assertEquals(List.of("attention"), kinds(compile(ir, PassOptions.verifying())));
    }

    @Test
    void probabilitiesThatAreAlsoAnOutputKeepTheThreeKernelsAndSayWhy() {
        Compilation c = compile(
                graph(DIV, "").replace("output y = %8", "output y = %8\n  output p = %7"), PassOptions.verifying());
        assertEquals(List.of("contraction", "reduction", "contraction"), kinds(c));
        assertEquals(
                "%0 (matmul) + %8 (matmul): refused, no attention kernel: %7 (div) is also used by an output or assign"
                        + " of the graph outside the pattern, so the scores, softmax and product stay apart",
                refusals(c).getFirst());
        assertEquals(1L, c.run(Pipeline.FUSE).counters().get("rejected-attention"));
    }

    @Test
    void anIntermediateReadOutsideThePatternIsNamedWithItsUser() {
        String ir = graph(DIV, "")
                .replace("output y = %8", "%10 = mul(%5, %5) : f32[batch,2,5,6]\n  output y = %8\n  output e = %10");
        Compilation c = compile(ir, PassOptions.verifying());
        assertEquals(
                "%0 (matmul) + %8 (matmul): refused, no attention kernel: %5 (exp) is also used by %10 (mul) outside the"
                        + " pattern, so the scores, softmax and product stay apart",
                refusals(c).getFirst());
        assertEquals(0, kinds(c).stream().filter(k -> k.equals("attention")).count());
    }

    @Test
    void cudaVetoesAttentionAndKeepsItsThreeKernels() {
        Compilation c = compile(graph("", MASK), PassOptions.verifying().withFusionVeto(FusionVeto.forTarget("cuda")));
        assertEquals(List.of("contraction", "reduction", "contraction"), kinds(c));
        assertEquals(
                "%0 (matmul) + %8 (matmul): refused, vetoed by the cuda target: the CUDA backend has no attention"
                        + " template yet, so the scores, the softmax and the product stay three kernels",
                refusals(c).getFirst());
    }

    @Test
    void theCpuTakesF32AttentionOnly() {
        Compilation c = compile(graph(DIV, "").replace("f32", "f64"), PassOptions.verifying());
        assertEquals(List.of("contraction", "reduction", "contraction"), kinds(c));
        assertEquals(
                "%0 (matmul) + %8 (matmul): refused, vetoed by the java target: the CPU attention kernel computes in"
                        + " f32 only, found f64 in %0 (matmul)",
                refusals(c).getFirst());
    }
}
