package dev.javelin.passes.fuse;

import static dev.javelin.passes.fuse.FusionRefusalTest.fuse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.text.Parser;
import dev.javelin.passes.lower.Partition;
import dev.javelin.passes.pipeline.PassContext;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The order scores give to exclusive merges, the target's veto, and the explanation's text. */
class FusionPolicyTest {
    /**
     * The add can take one matmul as its epilogue, not both. %0 is an output (written anyway), so
     * taking %0 saves only the read of its 128 bytes; %1 is read by the add alone, so taking %1
     * saves its write and its read. Graph order would take %0; the score takes %1.
     */
    static final String TWO_PRODUCTS = """
            graph g {
              %x = input : f32[batch,8]
              %w = input : f32[8,8]
              %v = input : f32[8,8]
              %0 = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[batch,8]
              %1 = matmul(%x, %v) {transpose_a=false, transpose_b=false} : f32[batch,8]
              %2 = add(%0, %1) : f32[batch,8]
              output y = %2
              output z = %0
            }
            """;

    private static List<List<String>> groups(Partition p) {
        return p.groups().stream().map(Partition.Group::members).toList();
    }

    @Test
    void theHigherScoreWinsWhereTwoMergesExcludeEachOther() {
        FusionResult r = fuse(TWO_PRODUCTS, PassOptions.verifying());
        assertEquals(List.of(List.of("0"), List.of("1", "2")), groups(r.partition()));
        assertEquals(
                List.of("%1 (matmul) + %2 (add): fused (epilogue), score 4352 (256 bytes saved, 1 launch saved, 0"
                        + " elements recomputed)"),
                r.merges().stream().map(FusionDecision::text).toList());
        assertEquals(
                List.of("%0 (matmul) + %2 (add): refused, a kernel has at most one op with its own loop nest, found"
                        + " %0 (matmul) and %1 (matmul)"),
                r.refusals().stream().map(FusionDecision::text).toList());
    }

    @Test
    void equalScoresKeepGraphOrder() {
        // Neither product is needed elsewhere: both merges save the same, and the first in graph order wins.
        FusionResult r = fuse(TWO_PRODUCTS.replace("  output z = %0\n", ""), PassOptions.verifying());
        assertEquals(List.of(List.of("1"), List.of("0", "2")), groups(r.partition()));
    }

    /** Refuses a matmul's epilogue: the merges a backend without fused epilogues would make. */
    private record NoMatmulEpilogue() implements FusionVeto {
        @Override
        public String target() {
            return "test";
        }

        @Override
        public Optional<String> refuse(Merge merge) {
            boolean matmul = merge.nodes().stream().anyMatch(n -> n.op() instanceof MatMul);
            return matmul && merge.shape() == KernelShape.EPILOGUE
                    ? Optional.of("no epilogue on a matmul here")
                    : Optional.empty();
        }
    }

    @Test
    void aTargetVetoKeepsTheMergeApartAndIsRecorded() {
        String ir = """
                graph g {
                  %x = input : f32[batch,8]
                  %w = input : f32[8,4]
                  %b = input : f32[4]
                  %0 = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[batch,4]
                  %1 = add(%0, %b) : f32[batch,4]
                  %2 = tanh(%1) : f32[batch,4]
                  output y = %2
                }
                """;
        FusionResult accepted = fuse(ir, PassOptions.verifying());
        assertEquals(List.of(List.of("0", "1", "2")), groups(accepted.partition()));
        FusionResult vetoed = fuse(ir, PassOptions.verifying().withFusionVeto(new NoMatmulEpilogue()));
        assertEquals(List.of(List.of("0"), List.of("1", "2")), groups(vetoed.partition()));
        assertEquals(
                List.of("%0 (matmul) + %1 (add): refused, vetoed by the test target: no epilogue on a matmul here"),
                vetoed.refusals().stream().map(FusionDecision::text).toList());
        var counters = Pipeline.compile(
                        Parser.parse(ir),
                        Map.of("batch", 4L),
                        PassOptions.verifying().withFusionVeto(new NoMatmulEpilogue()))
                .run(Pipeline.FUSE)
                .counters();
        assertEquals(1L, counters.get("rejected-veto"));
    }

    @Test
    void theBuiltInTargetsAcceptEveryMerge() {
        var g = Parser.parse(TWO_PRODUCTS);
        var sizes = Map.of("batch", 4L);
        var java = Pipeline.compile(g, sizes, PassOptions.verifying()).plan();
        var cuda = Pipeline.compile(g, sizes, PassOptions.verifying().withFusionVeto(FusionVeto.forTarget("cuda")))
                .plan();
        assertEquals(java.kernels(), cuda.kernels());
        var e = assertThrows(IllegalArgumentException.class, () -> FusionVeto.forTarget("tpu"));
        assertEquals("no fusion veto for target 'tpu'; expected java or cuda", e.getMessage());
    }

    @Test
    void partitionIsTheJavaTargetsResult() {
        var g = Pipeline.compile(Parser.parse(TWO_PRODUCTS), Map.of("batch", 4L), PassOptions.verifying())
                .graph();
        assertEquals(
                Fusion.run(g, new PassContext(), FusionVeto.forTarget("java")).partition(),
                Fusion.partition(g, new PassContext()));
    }

    @Test
    void theExplanationListsRefusalsThenMerges() {
        FusionResult r = fuse("""
                graph g {
                  %x = input : f32[batch,8]
                  %w = parameter : f32[8,4]
                  %0 = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[batch,4]
                  %1 = exp(%0) : f32[batch,4]
                  %2 = reduce_sum(%1) {axes=[1], keep_dims=true} : f32[batch,1]
                  %3 = div(%1, %2) : f32[batch,4]
                  output y = %3
                }
                """, PassOptions.verifying().withFusionVeto(FusionVeto.forTarget("cuda")));
        assertEquals("""
                fusion for target cuda: 2 kernels, 2 merges made, 1 refused
                %1 (exp) + %2 (reduce_sum): refused, a reduction cannot share a kernel with %0 (matmul), found %2 (reduce_sum)
                %0 (matmul) + %1 (exp): fused (epilogue), score 4224 (128 bytes saved, 1 launch saved, 0 elements recomputed)
                %2 (reduce_sum) + %3 (div): fused (reduction), score 4128 (32 bytes saved, 1 launch saved, 0 elements recomputed)
                """, r.explain());
    }
}
