package dev.javelin.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanParser;
import org.junit.jupiter.api.Test;

/**
 * CUDA has no attention template yet (its fusion veto keeps attention as three kernels): an
 * attention kernel, which only a plan fused for another target holds, fails generation and
 * lowering by name instead of being generated as something else.
 */
class AttentionKernelTest {
    static final String PLAN = """
            plan attn {
              arena 128
              buffer %q : f32[2,3,4] input
              buffer %k : f32[2,4,5] input
              buffer %v : f32[2,5,3] input
              buffer %8 : f32[2,3,3] arena 0
              kernel k0_matmul_div_reduce_max_sub_and4 attention reads(%q, %k, %v) writes(%8) flops=426 bytes_read=376 bytes_written=72 {
                %0 = matmul(%q, %k) {transpose_a=false, transpose_b=false} : f32[2,3,5]
                %1 = constant {values=[2.0]} : f32[]
                %2 = div(%0, %1) : f32[2,3,5]
                %3 = reduce_max(%2) {axes=[2], keep_dims=true} : f32[2,3,1]
                %4 = sub(%2, %3) : f32[2,3,5]
                %5 = exp(%4) : f32[2,3,5]
                %6 = reduce_sum(%5) {axes=[2], keep_dims=true} : f32[2,3,1]
                %7 = div(%5, %6) : f32[2,3,5]
                %8 = matmul(%7, %v) {transpose_a=false, transpose_b=false} : f32[2,3,3]
              }
              input q = %q
              input k = %k
              input v = %v
              output y = %8
            }
            """;

    @Test
    void anAttentionKernelIsRefusedByName() {
        Plan plan = PlanParser.parse(PLAN);
        String want = "kernel k0_matmul_div_reduce_max_sub_and4: the CUDA backend has no attention template yet"
                + " (%0 .. %8); fuse plans for CUDA with FusionVeto.forTarget(\"cuda\"), which keeps attention as"
                + " three kernels";
        assertEquals(
                want,
                assertThrows(UnsupportedKernelException.class, () -> CudaCodegen.generate(plan))
                        .getMessage());
        assertEquals(
                want,
                assertThrows(UnsupportedKernelException.class, () -> CudaCodegen.kernelText(plan))
                        .getMessage());
    }
}
