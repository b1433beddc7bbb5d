package dev.javelin.passes.simplify;

import static dev.javelin.passes.Golden.assertPass;
import static dev.javelin.passes.Golden.assertUnchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CseTest {
    @Test
    void mergesSameOpOnSameOperandsAndRewiresUsesAndOutputs() {
        var r = assertPass(new Cse(), """
                graph g {
                  %x = input : f32[3]
                  %0 = exp(%x) : f32[3]
                  %1 = exp(%x) : f32[3]
                  %2 = add(%0, %1) : f32[3]
                  %3 = add(%1, %1) : f32[3]
                  output a = %2
                  output b = %3
                  output c = %1
                }
                """, """
                graph g {
                  %x = input : f32[3]
                  %0 = exp(%x) : f32[3]
                  %2 = add(%0, %0) : f32[3]
                  output a = %2
                  output b = %2
                  output c = %0
                }
                """);
        assertEquals(2, r.run("cse").counter("merged"));
    }

    /** The survivor is the first node, location and backward flag included, as it was written. */
    @Test
    void theMergedNodeKeepsTheFirstNodesLocation() {
        assertPass(new Cse(), """
                graph g {
                  %x = input : f32[3] @"M.java":1
                  %0 = exp(%x) : f32[3] @"M.java":4 (backward)
                  %1 = exp(%x) : f32[3] @"M.java":2
                  %2 = add(%0, %1) : f32[3] @"M.java":4 (backward)
                  output a = %2
                }
                """, """
                graph g {
                  %x = input : f32[3] @"M.java":1
                  %0 = exp(%x) : f32[3] @"M.java":4 (backward)
                  %2 = add(%0, %0) : f32[3] @"M.java":4 (backward)
                  output a = %2
                }
                """);
    }

    @Test
    void neverMergesInputsParametersOrDifferentAttributes() {
        assertUnchanged(new Cse(), """
                graph g {
                  %x = input : f32[2]
                  %y = input : f32[2]
                  %p = parameter : f32[2]
                  %q = parameter : f32[2]
                  %0 = constant {values=[0.0]} : f32[2]
                  %1 = constant {values=[-0.0]} : f32[2]
                  %2 = random_uniform {seed=1} : f32[2]
                  %3 = random_uniform {seed=2} : f32[2]
                  %4 = reduce_sum(%x) {axes=[0], keep_dims=true} : f32[1]
                  %5 = reduce_sum(%x) {axes=[0], keep_dims=false} : f32[]
                  output a = %x
                }
                """);
    }

    @Test
    void mergesRandomOpsWithTheSameSeedAndOffset() {
        assertPass(new Cse(), """
                graph g {
                  %step = input : i64[]
                  %0 = random_normal(%step) {seed=7} : f32[2]
                  %1 = random_normal(%step) {seed=7} : f32[2]
                  %2 = sub(%0, %1) : f32[2]
                  output y = %2
                }
                """, """
                graph g {
                  %step = input : i64[]
                  %0 = random_normal(%step) {seed=7} : f32[2]
                  %2 = sub(%0, %0) : f32[2]
                  output y = %2
                }
                """);
    }
}
