package dev.javelin.passes.simplify;

import static dev.javelin.passes.Golden.assertPass;
import static dev.javelin.passes.Golden.assertUnchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.text.Parser;
import dev.javelin.ir.value.NdArray;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Transposes feeding a matmul become its transpose flags; other permutes stay. */
class LayoutRulesTest {
    private static final RuleEngine LAYOUT = new RuleEngine("layout", LayoutRules.all());

    @Test
    void aTransposedLeftOperandFlipsTransposeA() {
        var r = assertPass(LAYOUT, """
                graph g {
                  %a = input : f32[8,3]
                  %b = input : f32[8,4]
                  %0 = permute(%a) {perm=[1,0]} : f32[3,8]
                  %1 = matmul(%0, %b) {transpose_a=false, transpose_b=false} : f32[3,4]
                  output y = %1
                }
                """, """
                graph g {
                  %a = input : f32[8,3]
                  %b = input : f32[8,4]
                  %0 = permute(%a) {perm=[1,0]} : f32[3,8]
                  %1 = matmul(%a, %b) {transpose_a=true, transpose_b=false} : f32[3,4]
                  output y = %1
                }
                """);
        assertEquals(1, r.run("layout").counter("transpose-into-matmul-a"));
    }

    @Test
    void aRewrittenGradientNodeKeepsItsBackwardLocation() {
        assertPass(LAYOUT, """
                graph g {
                  %a = input : f32[8,3] @"M.java":1
                  %b = input : f32[8,4] @"M.java":2
                  %0 = permute(%a) {perm=[1,0]} : f32[3,8] @"M.java":3 (backward)
                  %1 = matmul(%0, %b) {transpose_a=false, transpose_b=false} : f32[3,4] @"M.java":4 (backward)
                  output y = %1
                }
                """, """
                graph g {
                  %a = input : f32[8,3] @"M.java":1
                  %b = input : f32[8,4] @"M.java":2
                  %0 = permute(%a) {perm=[1,0]} : f32[3,8] @"M.java":3 (backward)
                  %1 = matmul(%a, %b) {transpose_a=true, transpose_b=false} : f32[3,4] @"M.java":4 (backward)
                  output y = %1
                }
                """);
    }

    @Test
    void aTransposedRightOperandOfABatchedMatmulFlipsTransposeB() {
        assertPass(LAYOUT, """
                graph g {
                  %a = input : f32[2,3,8]
                  %b = input : f32[2,4,8]
                  %0 = permute(%b) {perm=[0,2,1]} : f32[2,8,4]
                  %1 = matmul(%a, %0) {transpose_a=false, transpose_b=true} : f32[2,3,4]
                  output y = %1
                }
                """.replace("transpose_b=true", "transpose_b=false"), """
                graph g {
                  %a = input : f32[2,3,8]
                  %b = input : f32[2,4,8]
                  %0 = permute(%b) {perm=[0,2,1]} : f32[2,8,4]
                  %1 = matmul(%a, %b) {transpose_a=false, transpose_b=true} : f32[2,3,4]
                  output y = %1
                }
                """);
    }

    @Test
    void aPermuteThatMovesBatchAxesStays() {
        assertUnchanged(LAYOUT, """
                graph g {
                  %a = input : f32[3,2,8]
                  %b = input : f32[2,8,4]
                  %0 = permute(%a) {perm=[1,0,2]} : f32[2,3,8]
                  %1 = matmul(%0, %b) {transpose_a=false, transpose_b=false} : f32[2,3,4]
                  output y = %1
                }
                """);
    }

    /** A linear layer's weight gradient over a batch of sequences: one product over batch*seq rows. */
    @Test
    void aBatchedProductSummedOverItsBatchIsOneLongerProduct() {
        String before = """
                graph g {
                  %x = input : f32[4,3,5,6]
                  %dy = input : f32[4,3,5,2]
                  %0 = matmul(%x, %dy) {transpose_a=true, transpose_b=false} : f32[4,3,6,2]
                  %1 = reduce_sum(%0) {axes=[0,1], keep_dims=false} : f32[6,2]
                  output dw = %1
                }
                """;
        var r = assertPass(LAYOUT, before, """
                graph g {
                  %x = input : f32[4,3,5,6]
                  %dy = input : f32[4,3,5,2]
                  %0 = matmul(%x, %dy) {transpose_a=true, transpose_b=false} : f32[4,3,6,2]
                  %2 = reshape(%x) {shape=[60,6]} : f32[60,6]
                  %3 = reshape(%dy) {shape=[60,2]} : f32[60,2]
                  %1 = matmul(%2, %3) {transpose_a=true, transpose_b=false} : f32[6,2]
                  output dw = %1
                }
                """);
        assertEquals(1, r.run("layout").counter("batch-sum-into-matmul"));
        assertSameNumbers(before, r.graph());
    }

    @Test
    void keptSummedAxesBecomeAReshapeOfTheFoldedProduct() {
        String before = """
                graph g {
                  %x = input : f32[3,5,6]
                  %dy = input : f32[3,5,2]
                  %0 = matmul(%x, %dy) {transpose_a=true, transpose_b=false} : f32[3,6,2]
                  %1 = reduce_sum(%0) {axes=[0], keep_dims=true} : f32[1,6,2]
                  output dw = %1
                }
                """;
        var r = assertPass(LAYOUT, before, """
                graph g {
                  %x = input : f32[3,5,6]
                  %dy = input : f32[3,5,2]
                  %0 = matmul(%x, %dy) {transpose_a=true, transpose_b=false} : f32[3,6,2]
                  %2 = reshape(%x) {shape=[15,6]} : f32[15,6]
                  %3 = reshape(%dy) {shape=[15,2]} : f32[15,2]
                  %4 = matmul(%2, %3) {transpose_a=true, transpose_b=false} : f32[6,2]
                  %1 = reshape(%4) {shape=[1,6,2]} : f32[1,6,2]
                  output dw = %1
                }
                """);
        assertSameNumbers(before, r.graph());
    }

    static Stream<String> sumsThatStay() {
        return Stream.of(
                // The contraction axis of an untransposed a is its last: not next to the batch axes.
                "%0 = matmul(%x, %y) {transpose_a=false, transpose_b=false} : f32[3,5,5]\n"
                        + "%1 = reduce_sum(%0) {axes=[0], keep_dims=false} : f32[5,5]",
                // Likewise a transposed b.
                "%0 = matmul(%x, %z) {transpose_a=true, transpose_b=true} : f32[3,6,6]\n"
                        + "%1 = reduce_sum(%0) {axes=[0], keep_dims=false} : f32[6,6]",
                // Not every batch axis is summed.
                "%0 = matmul(%x4, %y4) {transpose_a=true, transpose_b=false} : f32[2,3,6,6]\n"
                        + "%1 = reduce_sum(%0) {axes=[1], keep_dims=false} : f32[2,6,6]",
                // A matrix axis is summed too.
                "%0 = matmul(%x, %x) {transpose_a=true, transpose_b=false} : f32[3,6,6]\n"
                        + "%1 = reduce_sum(%0) {axes=[0,1], keep_dims=false} : f32[6]",
                // A broadcast operand: the batch is not in its rows.
                "%0 = matmul(%x, %w) {transpose_a=true, transpose_b=false} : f32[3,6,6]\n"
                        + "%1 = reduce_sum(%0) {axes=[0], keep_dims=false} : f32[6,6]",
                // A maximum, not a sum.
                "%0 = matmul(%x, %x) {transpose_a=true, transpose_b=false} : f32[3,6,6]\n"
                        + "%1 = reduce_max(%0) {axes=[0], keep_dims=false} : f32[6,6]",
                // The batched product is needed as well: folding would compute it twice.
                "%0 = matmul(%x, %x) {transpose_a=true, transpose_b=false} : f32[3,6,6]\n"
                        + "%1 = reduce_sum(%0) {axes=[0], keep_dims=false} : f32[6,6]\n"
                        + "output both = %0");
    }

    @ParameterizedTest
    @MethodSource("sumsThatStay")
    void otherSumsOfProductsStay(String body) {
        assertUnchanged(LAYOUT, """
                graph g {
                  %x = input : f32[3,5,6]
                  %y = input : f32[3,6,5]
                  %z = input : f32[3,6,5]
                  %w = input : f32[5,6]
                  %x4 = input : f32[2,3,5,6]
                  %y4 = input : f32[2,3,5,6]
                """ + body.indent(2) + """
                  output y = %1
                }
                """);
    }

    private static void assertSameNumbers(String before, Graph after) {
        Graph g = Parser.parse(before);
        Map<String, NdArray> feeds = RandomGraphs.feeds(g, 7, 1);
        Map<String, NdArray> want = Interpreter.run(g, feeds).outputs();
        Map<String, NdArray> got = Interpreter.run(after, feeds).outputs();
        for (var e : want.entrySet()) {
            double[] w = e.getValue().toDoubles();
            double[] o = got.get(e.getKey()).toDoubles();
            assertEquals(w.length, o.length);
            for (int i = 0; i < w.length; i++) {
                assertEquals(w[i], o[i], 1e-5 * Math.max(1, Math.abs(w[i])), e.getKey() + "[" + i + "]");
            }
        }
    }
}
