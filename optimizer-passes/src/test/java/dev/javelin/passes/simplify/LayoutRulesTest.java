package dev.javelin.passes.simplify;

import static dev.javelin.passes.Golden.assertPass;
import static dev.javelin.passes.Golden.assertUnchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

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
}
