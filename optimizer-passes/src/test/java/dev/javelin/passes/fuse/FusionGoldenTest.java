package dev.javelin.passes.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.text.Parser;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Golden tests of fusion: small graphs in IR text, and the kernels they become as one line each
 * ({@code name kind [nodes] -> writes}). Every case is also run through the plan interpreter
 * against the graph interpreter.
 */
class FusionGoldenTest {
    /** One line per kernel: name, kind, the IR nodes it implements, what it writes. */
    static String kernels(Plan p) {
        return p.kernels().stream()
                .map(k -> k.name() + " " + k.kind().text() + " " + k.nodes() + " -> " + k.writes())
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static Compilation compile(String ir) {
        Graph g = Parser.parse(ir);
        Compilation c = Pipeline.compile(g, Map.of("batch", 4L), PassOptions.verifying());
        var feeds = RandomGraphs.feeds(g, 7, 4);
        assertEquals(Interpreter.run(g, feeds), PlanInterpreter.run(c.plan(), feeds));
        return c;
    }

    private static void assertKernels(String ir, String expected) {
        assertEquals(expected, kernels(compile(ir).plan()));
    }

    @Test
    void aPointwiseChainWithBroadcastsIsOneKernel() {
        assertKernels("""
                graph g {
                  %x = input : f32[batch,8]
                  %b = parameter : f32[8]
                  %s = input : f32[batch,1]
                  %0 = add(%x, %b) : f32[batch,8]
                  %1 = mul(%0, %s) : f32[batch,8]
                  %2 = tanh(%1) : f32[batch,8]
                  %3 = exp(%2) : f32[batch,8]
                  output y = %3
                }
                """, """
                k0_add_mul_tanh_exp pointwise [0, 1, 2, 3] -> [3]
                """);
    }

    @Test
    void softmaxIsOneReductionKernel() {
        assertKernels("""
                graph g {
                  %x = input : f32[batch,10]
                  %0 = reduce_max(%x) {axes=[1], keep_dims=true} : f32[batch,1]
                  %1 = sub(%x, %0) : f32[batch,10]
                  %2 = exp(%1) : f32[batch,10]
                  %3 = reduce_sum(%2) {axes=[1], keep_dims=true} : f32[batch,1]
                  %4 = div(%2, %3) : f32[batch,10]
                  output y = %4
                }
                """, """
                k0_reduce_max_sub_exp_reduce_sum_and1 reduction [0, 1, 2, 3, 4] -> [4]
                """);
    }

    @Test
    void layerNormIsOneReductionKernel() {
        assertKernels("""
                graph g {
                  %x = input : f32[batch,16]
                  %n = constant {values=[16.0]} : f32[]
                  %eps = constant {values=[1e-5]} : f32[]
                  %0 = reduce_sum(%x) {axes=[1], keep_dims=true} : f32[batch,1]
                  %1 = div(%0, %n) : f32[batch,1]
                  %2 = sub(%x, %1) : f32[batch,16]
                  %3 = mul(%2, %2) : f32[batch,16]
                  %4 = reduce_sum(%3) {axes=[1], keep_dims=true} : f32[batch,1]
                  %5 = div(%4, %n) : f32[batch,1]
                  %6 = add(%5, %eps) : f32[batch,1]
                  %7 = rsqrt(%6) : f32[batch,1]
                  %8 = mul(%2, %7) : f32[batch,16]
                  output y = %8
                }
                """, """
                k0_reduce_sum_div_sub_mul_and5 reduction [0, n, 1, 2, 3, 4, 5, eps, 6, 7, 8] -> [8]
                """);
    }

    @Test
    void logSoftmaxIsOneReductionKernel() {
        assertKernels("""
                graph g {
                  %x = input : f32[batch,10]
                  %0 = reduce_max(%x) {axes=[1], keep_dims=true} : f32[batch,1]
                  %1 = sub(%x, %0) : f32[batch,10]
                  %2 = exp(%1) : f32[batch,10]
                  %3 = reduce_sum(%2) {axes=[1], keep_dims=true} : f32[batch,1]
                  %4 = log(%3) : f32[batch,1]
                  %5 = sub(%1, %4) : f32[batch,10]
                  output y = %5
                }
                """, """
                k0_reduce_max_sub_exp_reduce_sum_and2 reduction [0, 1, 2, 3, 4, 5] -> [5]
                """);
    }

    /**
     * Mean softmax cross-entropy over the batch and its gradient with respect to the logits, built
     * by autodiff: the whole row-wise forward and backward is one kernel, the batch mean a second.
     */
    @Test
    void crossEntropyAndItsGradientAreTwoKernels() {
        dev.javelin.ir.graph.GraphBuilder b = new dev.javelin.ir.graph.GraphBuilder("xent");
        var f32 = dev.javelin.ir.type.DType.F32;
        var logits = b.input("logits", dev.javelin.ir.type.TensorType.of(f32, 4, 10));
        var onehot = b.input("onehot", dev.javelin.ir.type.TensorType.of(f32, 4, 10));
        var max = b.reduce(dev.javelin.ir.op.ReduceFn.MAX, logits, true, 1);
        var shifted = b.binary(dev.javelin.ir.op.BinaryFn.SUB, logits, max);
        var lse = b.unary(
                dev.javelin.ir.op.UnaryFn.LOG,
                b.reduce(dev.javelin.ir.op.ReduceFn.SUM, b.unary(dev.javelin.ir.op.UnaryFn.EXP, shifted), true, 1));
        var logp = b.binary(dev.javelin.ir.op.BinaryFn.SUB, shifted, lse);
        var perRow = b.reduce(
                dev.javelin.ir.op.ReduceFn.SUM, b.binary(dev.javelin.ir.op.BinaryFn.MUL, logp, onehot), false, 1);
        var loss = b.binary(
                dev.javelin.ir.op.BinaryFn.DIV,
                b.unary(dev.javelin.ir.op.UnaryFn.NEG, b.reduce(dev.javelin.ir.op.ReduceFn.SUM, perRow, false, 0)),
                b.scalar(f32, 4));
        var grad = dev.javelin.ir.autodiff.Autodiff.gradients(b, loss, java.util.List.of(logits))
                .getFirst();
        b.output("loss", loss);
        b.output("grad", grad);
        Graph g = b.build();
        Compilation c = Pipeline.compile(g, Map.of(), PassOptions.verifying());
        var feeds = RandomGraphs.feeds(g, 9, 4);
        assertEquals(Interpreter.run(g, feeds), PlanInterpreter.run(c.plan(), feeds));
        assertEquals(
                "[reduction, reduction]",
                c.plan().kernels().stream().map(k -> k.kind().text()).toList().toString(),
                kernels(c.plan()));
    }

    @Test
    void aMatmulTakesItsBiasAndActivationAsEpilogue() {
        assertKernels("""
                graph g {
                  %x = input : f32[batch,8]
                  %w = parameter : f32[8,4]
                  %b = parameter : f32[4]
                  %zero = constant {values=[0.0]} : f32[]
                  %0 = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[batch,4]
                  %1 = add(%0, %b) : f32[batch,4]
                  %2 = max(%1, %zero) : f32[batch,4]
                  output y = %2
                }
                """, """
                k0_matmul_add_max contraction [0, 1, zero, 2] -> [2]
                """);
    }

    @Test
    void aMatmulTakesAPrologueNothingElseNeeds() {
        assertKernels("""
                graph g {
                  %x = input : f32[batch,8]
                  %w = parameter : f32[8,4]
                  %0 = tanh(%x) : f32[batch,8]
                  %1 = matmul(%0, %w) {transpose_a=false, transpose_b=false} : f32[batch,4]
                  output y = %1
                }
                """, """
                k0_tanh_matmul contraction [0, 1] -> [1]
                """);
    }

    @Test
    void twoContractionsAreNeverOneKernel() {
        assertKernels("""
                graph g {
                  %x = input : f32[batch,8]
                  %w1 = parameter : f32[8,8]
                  %w2 = parameter : f32[8,4]
                  %0 = matmul(%x, %w1) {transpose_a=false, transpose_b=false} : f32[batch,8]
                  %1 = tanh(%0) : f32[batch,8]
                  %2 = matmul(%1, %w2) {transpose_a=false, transpose_b=false} : f32[batch,4]
                  output y = %2
                }
                """, """
                k0_matmul_tanh contraction [0, 1] -> [1]
                k1_matmul contraction [2] -> [2]
                """);
    }

    @Test
    void theUpdateOfEveryParameterIsOneMultiTensorKernel() {
        assertKernels("""
                graph sgd {
                  %w = parameter : f32[8,4]
                  %b = parameter : f32[4]
                  %gw = input : f32[8,4]
                  %gb = input : f32[4]
                  %lr = input : f32[]
                  %0 = mul(%gw, %lr) : f32[8,4]
                  %1 = sub(%w, %0) : f32[8,4]
                  %2 = assign(%w, %1) : f32[8,4]
                  %3 = mul(%gb, %lr) : f32[4]
                  %4 = sub(%b, %3) : f32[4]
                  %5 = assign(%b, %4) : f32[4]
                }
                """, """
                k0_mul_sub_mul_sub multi_tensor [0, 1, 3, 4] -> [1, 4]
                """);
    }

    @Test
    void aMergeThatWouldMakeACycleIsRefused() {
        // %2 needs %1 (a row reduction) and %0; merging %0 into %2's kernel around the reduction's
        // kernel would need the reduction before and after itself.
        Compilation c = compile("""
                graph g {
                  %x = input : f32[batch,8]
                  %0 = exp(%x) : f32[batch,8]
                  %1 = reduce_sum(%0) {axes=[0], keep_dims=false} : f32[8]
                  %2 = reduce_max(%0) {axes=[1], keep_dims=true} : f32[batch,1]
                  %3 = add(%1, %2) : f32[batch,8]
                  output y = %3
                }
                """);
        assertEquals("""
                k0_exp_reduce_sum reduction [0, 1] -> [0, 1]
                k1_reduce_max_add reduction [2, 3] -> [3]
                """, kernels(c.plan()));
    }

    @Test
    void viewsAreFoldedIntoEveryKernelThatUsesThem() {
        Compilation c = compile("""
                graph g {
                  %x = input : f32[batch,6]
                  %0 = reshape(%x) {shape=[batch,2,3]} : f32[batch,2,3]
                  %1 = permute(%0) {perm=[0,2,1]} : f32[batch,3,2]
                  %2 = exp(%1) : f32[batch,3,2]
                  %3 = reduce_sum(%1) {axes=[2], keep_dims=false} : f32[batch,3]
                  output y = %2
                  output z = %3
                }
                """);
        assertEquals("""
                k0_exp pointwise [0, 1, 2] -> [2]
                k1_reduce_sum reduction [0, 1, 3] -> [3]
                """, kernels(c.plan()));
        assertEquals(2, c.run(Pipeline.FUSE).counter("folded-views"));
    }

    @Test
    void theFusedKernelKindsAreCounted() {
        Compilation c = compile("""
                graph g {
                  %x = input : f32[batch,8]
                  %w = parameter : f32[8,4]
                  %0 = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[batch,4]
                  %1 = exp(%0) : f32[batch,4]
                  %2 = reduce_sum(%1) {axes=[1], keep_dims=true} : f32[batch,1]
                  %3 = div(%1, %2) : f32[batch,4]
                  output y = %3
                }
                """);
        // exp joins the matmul; the reduction cannot join a contraction (shape), div cannot join the
        // matmul's kernel around the reduction (cycle), so div joins the reduction.
        assertEquals(
                "{folded-views=0, fused-epilogue=1, rejected-shape=1, rejected-cycle=1, fused-reduction=1, sweeps=2,"
                        + " groups=2}",
                c.run(Pipeline.FUSE).counters().toString());
        assertEquals(Kernel.Kind.CONTRACTION, c.plan().kernels().get(0).kind());
    }
}
