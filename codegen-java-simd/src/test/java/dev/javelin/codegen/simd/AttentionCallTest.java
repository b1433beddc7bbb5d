package dev.javelin.codegen.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanParser;
import org.junit.jupiter.api.Test;

/**
 * An attention kernel becomes one call of the runtime's {@code Attention}, whose table holds the
 * sizes and the strides the plan's buffers have: the keys read as Kᵀ (the stride between keys 1,
 * along d the key count) or, with {@code transpose_b}, as K; a mask broadcast over the batch.
 */
class AttentionCallTest {
    static final String PLAN = """
            plan attn {
              arena 128
              buffer %q : f32[2,3,4] input
              buffer %k : f32[2,4,5] input
              buffer %v : f32[2,5,3] input
              buffer %m : f32[3,5] input
              buffer %8 : f32[2,3,3] arena 0
              kernel k0_matmul_div_add_reduce_max_and5 attention reads(%q, %k, %m, %v) writes(%8) flops=456 bytes_read=436 bytes_written=72 {
                %0 = matmul(%q, %k) {transpose_a=false, transpose_b=false} : f32[2,3,5]
                %1 = constant {values=[2.0]} : f32[]
                %2 = div(%0, %1) : f32[2,3,5]
                %9 = add(%2, %m) : f32[2,3,5]
                %3 = reduce_max(%9) {axes=[2], keep_dims=true} : f32[2,3,1]
                %4 = sub(%9, %3) : f32[2,3,5]
                %5 = exp(%4) : f32[2,3,5]
                %6 = reduce_sum(%5) {axes=[2], keep_dims=true} : f32[2,3,1]
                %7 = div(%5, %6) : f32[2,3,5]
                %8 = matmul(%7, %v) {transpose_a=false, transpose_b=false} : f32[2,3,3]
              }
              input q = %q
              input k = %k
              input v = %v
              input m = %m
              output y = %8
            }
            """;

    @Test
    void theKernelIsOneCallWithTheBuffersStrides() {
        Plan plan = PlanParser.parse(PLAN);
        String source = CpuCodegen.generate(plan, "p", "Attn").source();
        assertTrue(source.contains("attn.run(g0, 0x1.0p-1f, m, m, m, m, m);"), source);
        // sq, sk, d, dv; Q, Kᵀ (1 between keys, 5 along d), V, O and the mask: offset and strides; one
        // batch axis of 2: the strides of Q, K, V, O, and 0 for the mask broadcast over it.
        assertTrue(
                source.contains(
                        "int[] g0 = {3, 5, 4, 3, 0, 4, 1, 32, 1, 5, 80, 3, 1, 128, 3, 1, 112, 5, 1, 1, 2, 12, 20,"
                                + " 15, 9, 0};"),
                source);
        assertEquals(
                "kernel k0_matmul_div_add_reduce_max_and5 (attention)\n  stage 0: custom: %0 .. %8 = attention\n",
                CpuCodegen.kernelText(plan));
    }
}
