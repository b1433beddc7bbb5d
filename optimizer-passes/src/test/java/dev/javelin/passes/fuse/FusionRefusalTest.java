package dev.javelin.passes.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
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
 * Each reason fusion gives for a refused merge, with its text, on the smallest graph that needs
 * it. Every graph is also run through the plan interpreter against the graph interpreter.
 */
class FusionRefusalTest {
    static FusionResult fuse(String ir, PassOptions options) {
        Graph g = Parser.parse(ir);
        Compilation c = Pipeline.compile(g, Map.of("batch", 4L), options);
        var feeds = RandomGraphs.feeds(g, 7, 4);
        assertEquals(Interpreter.run(g, feeds), PlanInterpreter.run(c.plan(), feeds));
        return c.fusion().orElseThrow();
    }

    /** The refusal lines of {@code ir}'s fusion, as {@code --explain-fusion} prints them. */
    private static List<String> refusals(String ir) {
        return fuse(ir, PassOptions.verifying()).refusals().stream()
                .map(FusionDecision::text)
                .toList();
    }

    @Test
    void aCycleNamesTheNodeThePathGoesThrough() {
        // %0 feeds %2 directly and through the matmul's kernel and the reduction's: one kernel of %0
        // and %2 would have to run both before and after them. Each other pair has its own reason.
        assertEquals(
                List.of(
                        "%0 (exp) + %1 (matmul): refused, no prologue of %1 (matmul) can hold %0 (exp): it is needed"
                                + " outside the kernel",
                        "%1 (matmul) + %3 (reduce_sum): refused, a reduction cannot share a kernel with %1 (matmul),"
                                + " found %3 (reduce_sum)",
                        "%0 (exp) + %4 (add): refused, would form a cycle: %3 (reduce_sum) is in another kernel that"
                                + " needs the first and feeds the second",
                        "%3 (reduce_sum) + %4 (add): refused, a reduction kernel's values must have the full (8), the kept"
                                + " (4) or one element (%4 (add) has 32)"),
                refusals("""
                graph g {
                  %x = input : f32[batch,8]
                  %w = input : f32[8,2]
                  %0 = exp(%x) : f32[batch,8]
                  %1 = matmul(%0, %w) {transpose_a=false, transpose_b=false} : f32[batch,2]
                  %3 = reduce_sum(%1) {axes=[1], keep_dims=true} : f32[batch,1]
                  %4 = add(%0, %3) : f32[batch,8]
                  output y = %4
                }
                """));
    }

    @Test
    void aReductionCannotJoinAContraction() {
        assertEquals(
                List.of("%0 (matmul) + %1 (reduce_sum): refused, a reduction cannot share a kernel with %0 (matmul),"
                        + " found %1 (reduce_sum)"),
                refusals("""
                graph g {
                  %x = input : f32[batch,8]
                  %w = input : f32[8,4]
                  %0 = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[batch,4]
                  %1 = reduce_sum(%0) {axes=[1], keep_dims=false} : f32[batch]
                  output y = %1
                }
                """));
    }

    @Test
    void twoContractionsDoNotShareAKernel() {
        assertEquals(
                List.of("%0 (matmul) + %1 (matmul): refused, a kernel has at most one op with its own loop nest, found"
                        + " %0 (matmul) and %1 (matmul)"),
                refusals("""
                graph g {
                  %x = input : f32[batch,8]
                  %w = input : f32[8,8]
                  %0 = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[batch,8]
                  %1 = matmul(%0, %w) {transpose_a=false, transpose_b=false} : f32[batch,8]
                  output y = %1
                }
                """));
    }

    @Test
    void aPointwiseKernelWritesOnlyValuesOfItsDomain() {
        assertEquals(
                List.of("%0 (exp) + %1 (add): refused, a pointwise kernel writes only values of its domain's element"
                        + " count (%0 (exp) has 4, want 32)"),
                refusals("""
                graph g {
                  %x = input : f32[batch,8]
                  %s = input : f32[batch,1]
                  %0 = exp(%s) : f32[batch,1]
                  %1 = add(%x, %0) : f32[batch,8]
                  output y = %1
                  output z = %0
                }
                """));
    }

    @Test
    void reductionsOverOtherShapesOrAxesStayApart() {
        assertEquals(
                List.of("%0 (reduce_sum) + %1 (reduce_sum): refused, the reductions of one kernel must reduce the same"
                        + " shape over the same axes (%0 (reduce_sum) reduces [4,8] over [1], %1 (reduce_sum)"
                        + " reduces [4] over [0])"),
                refusals("""
                graph g {
                  %x = input : f32[batch,8]
                  %0 = reduce_sum(%x) {axes=[1], keep_dims=false} : f32[batch]
                  %1 = reduce_sum(%0) {axes=[0], keep_dims=false} : f32[]
                  output y = %1
                }
                """));
    }

    @Test
    void aReductionKernelHoldsTheFullTheKeptOrOneElement() {
        assertEquals(
                List.of("%0 (reduce_sum) + %1 (add): refused, a reduction kernel's values must have the full (32), the"
                        + " kept (4) or one element (%1 (add) has 8)"),
                refusals("""
                graph g {
                  %x = input : f32[batch,8]
                  %v = input : f32[2,batch]
                  %0 = reduce_sum(%x) {axes=[1], keep_dims=false} : f32[batch]
                  %1 = add(%v, %0) : f32[2,batch]
                  output y = %1
                }
                """));
    }

    @Test
    void aPrologueNeededOutsideTheKernelStaysApart() {
        assertEquals(
                List.of("%0 (exp) + %1 (matmul): refused, no prologue of %1 (matmul) can hold %0 (exp): it is needed"
                        + " outside the kernel"),
                refusals("""
                graph g {
                  %x = input : f32[batch,8]
                  %w = input : f32[8,4]
                  %0 = exp(%x) : f32[batch,8]
                  %1 = matmul(%0, %w) {transpose_a=false, transpose_b=false} : f32[batch,4]
                  output y = %1
                  output z = %0
                }
                """));
    }

    @Test
    void anEpilogueHasTheOutputsElementCount() {
        assertEquals(
                List.of("%0 (matmul) + %1 (add): refused, a matmul epilogue must have the output's element count (got"
                        + " 32 in %1 (add), want 16)"),
                refusals("""
                graph g {
                  %x = input : f32[batch,8]
                  %w = input : f32[8,4]
                  %b = input : f32[2,batch,4]
                  %0 = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[batch,4]
                  %1 = add(%b, %0) : f32[2,batch,4]
                  output y = %1
                }
                """));
    }

    @Test
    void loadTimeWorkIsKeptApartFromPerStepWork() {
        assertEquals(
                List.of("%0 (exp) + %1 (add): refused, load-time work kept apart: %0 (exp) depends only on parameters"
                        + " no assign changes, %1 (add) on per-step values"),
                refusals("""
                graph g {
                  %x = input : f32[batch,8]
                  %w = parameter : f32[8]
                  %0 = exp(%w) : f32[8]
                  %1 = add(%x, %0) : f32[batch,8]
                  output y = %1
                }
                """));
    }

    @Test
    void theMultiTensorUpdateIsClosed() {
        List<String> lines = refusals("""
                graph g {
                  %x = input : f32[batch,4]
                  %w = parameter : f32[4]
                  %v = parameter : f32[4]
                  %lr = constant {values=[0.1]} : f32[]
                  %0 = reduce_sum(%x) {axes=[0], keep_dims=false} : f32[4]
                  %1 = mul(%0, %lr) : f32[4]
                  %2 = sub(%w, %1) : f32[4]
                  %3 = sub(%v, %1) : f32[4]
                  %4 = assign(%w, %2) : f32[4]
                  %5 = assign(%v, %3) : f32[4]
                }
                """);
        assertEquals(
                List.of("%0 (reduce_sum) + %1 (mul): refused, the multi-tensor update is closed to further"
                        + " fusion"),
                lines);
    }

    @Test
    void aGroupPastTheSizeCapIsRefused() {
        StringBuilder ir = new StringBuilder("graph g {\n  %x = input : f32[batch]\n  %0 = exp(%x) : f32[batch]\n");
        for (int i = 1; i < Fusion.MAX_GROUP_NODES + 1; i++) {
            ir.append("  %").append(i).append(" = tanh(%").append(i - 1).append(") : f32[batch]\n");
        }
        ir.append("  output y = %").append(Fusion.MAX_GROUP_NODES).append("\n}\n");
        List<String> lines = refusals(ir.toString());
        assertEquals(
                List.of("%255 (tanh) + %256 (tanh): refused, group too large: 257 nodes counting folded views,"
                        + " at most 256"),
                lines);
    }

    @Test
    void refusalsCountInTheirCounters() {
        var counters = Pipeline.compile(Parser.parse("""
                graph g {
                  %x = input : f32[batch,8]
                  %w = parameter : f32[8]
                  %0 = exp(%w) : f32[8]
                  %1 = add(%x, %0) : f32[batch,8]
                  output y = %1
                }
                """), Map.of("batch", 4L), PassOptions.verifying())
                .run(Pipeline.FUSE)
                .counters();
        assertEquals(1L, counters.get("kept-for-load"));
        assertFalse(counters.containsKey("rejected-veto"), counters.toString());
    }
}
