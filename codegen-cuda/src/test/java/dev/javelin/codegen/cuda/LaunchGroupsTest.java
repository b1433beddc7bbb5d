package dev.javelin.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.kernel.Affine;
import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.kernel.Ref;
import dev.javelin.ir.kernel.Stage;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.ir.type.DType;
import dev.javelin.runtime.cuda.CudaLaunch;
import dev.javelin.runtime.cuda.CudaProgram;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The shape of the CUDA a plan kernel becomes when its stages share a launch: a product with its
 * epilogue in registers, stages row by row with barriers between them, independent stages in
 * block ranges; and the dependencies that keep launches apart.
 */
class LaunchGroupsTest {
    private static CudaProgram generate(String plan) {
        return CudaCodegen.generate(PlanParser.parse(plan));
    }

    /** The text of generated function {@code name}, from its signature to its closing brace. */
    private static String function(CudaProgram p, String name) {
        String src = p.source();
        int at = src.indexOf(") " + name + "(char* __restrict__ m) {");
        assertTrue(at >= 0, "no function " + name + " in\n" + src);
        int from = src.lastIndexOf("extern \"C\"", at);
        return src.substring(from, src.indexOf("\n}\n", from) + 3);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aProductsEpilogueRunsOnTheTileInRegistersAndTheScratchProductIsNeverStored() {
        CudaProgram p = generate(GroupPlans.EPILOGUE);
        assertEquals(List.of("k0_matmul_add_max_s0"), p.functions());
        String f = function(p, "k0_matmul_add_max_s0");
        String tail = f.substring(f.indexOf("      if (gi < 5 && gj < 9) {"));
        assertEquals(
                """
                      if (gi < 5 && gj < 9) {
                        {
                          const jv_idx v0 = gi;
                          const jv_idx v1 = gj;
                          const float x0 = mf[@B + v1];
                          const float x1 = (acc[i][j] + x0);
                          const float x2 = jv_max(x1, 0x0.0p0f);
                          mf[@Y + 9 * v0 + v1] = x2;
                        }
                      }
                    }
                  }
                }
                """.replace("@B", Long.toString(bOffset(p, "b")))
                        .replace("@Y", Long.toString(offset(p, "output", "y"))),
                tail);
        assertFalse(f.contains("= acc[i][j];"), f);
        assertTrue(p.source().contains("epilogue in registers (1 store(s)), product not stored"), p.source());
    }

    private static long bOffset(CudaProgram p, String parameter) {
        return offset(p, "parameter", parameter);
    }

    /** The f32 element where the buffer bound to {@code name} in {@code role} starts. */
    private static long offset(CudaProgram p, String role, String name) {
        return p.layout().bound(role, name).byteOffset() / 4;
    }

    @Test
    void aStoredBatchedProductIsStoredThenItsEpilogueRunsWithBatchIndicesFromTheGridsZ() {
        CudaProgram p = generate(GroupPlans.EPILOGUE_BATCHED_KEPT);
        assertEquals(1, p.launches().size());
        assertEquals(6, p.launches().getFirst().gridZ());
        String f = function(p, "k0_matmul_mul_s0");
        assertTrue(f.contains("  const jv_idx v0 = ((jv_idx) blockIdx.z / 3) % 2;\n"), f);
        assertTrue(f.contains("  const jv_idx v1 = ((jv_idx) blockIdx.z / 1) % 3;\n"), f);
        assertTrue(f.contains("  const jv_idx v2 = gi;\n") && f.contains("  const jv_idx v3 = gj;\n"), f);
        int store = f.indexOf("mf[oc + gi * 9 + gj * 1] = acc[i][j];");
        int epilogue = f.indexOf("(acc[i][j] * x0)");
        assertTrue(store > 0 && epilogue > store, "the product is stored, then the epilogue runs:\n" + f);
    }

    @Test
    void aStageThatReadsOtherProductElementsWaitsForTheWholeProduct() {
        CudaProgram p = generate(GroupPlans.EPILOGUE_TRANSPOSED);
        assertEquals(List.of("k0_matmul_add_s0", "k0_matmul_add_s1"), p.functions());
        assertTrue(function(p, "k0_matmul_add_s0").contains("= acc[i][j];"));
    }

    @Test
    void windowTemplatesApplyTheirEpilogueToTheElementEachThreadComputes() {
        CudaProgram p = generate(GroupPlans.WINDOWS);
        assertEquals(List.of("k0_conv2d_add_max_s0", "k1_max_pool2d_backprop_mul_s0"), p.functions());
        String conv = function(p, "k0_conv2d_add_max_s0");
        // NHWC: the node's axes (n, h, w, c) are the template's (n, oh, ow, o).
        String tail = conv.substring(conv.indexOf("        }\n      }\n    }\n") + 24);
        assertEquals(
                """
                    {
                      const jv_idx v0 = n;
                      const jv_idx v1 = oh;
                      const jv_idx v2 = ow;
                      const jv_idx v3 = o;
                      const float x0 = mf[@B + v3];
                      const float x1 = (acc + x0);
                      const float x2 = jv_max(x1, 0x0.0p0f);
                      mf[@Y + 324 * v0 + 36 * v1 + 4 * v2 + v3] = x2;
                    }
                  }
                }
                """.replace("@B", Long.toString(bOffset(p, "b")))
                        .replace("@Y", Long.toString(offset(p, "output", "r"))),
                tail);
        String grad = function(p, "k1_max_pool2d_backprop_mul_s0");
        assertTrue(grad.contains("(acc * x0)"), grad);
        assertFalse(grad.contains("= acc;"), "the pooling gradient is scratch nothing else reads: " + grad);
        assertTrue(p.source().contains("pooling gradient, one input element per thread, epilogue in registers"));
    }

    @Test
    void rowStagesRunInOneLaunchABlockPerRowWithBarriersBetweenThem() {
        CudaProgram p = generate(GroupPlans.ROWS);
        List<CudaLaunch> l = p.launches();
        assertEquals(List.of("k0_reduce_max_sub_exp_reduce_sum_and1_s0", "k1_reduce_sum_div_s0"), p.functions());
        assertEquals(19, l.get(0).gridX(), "one block per row");
        assertEquals(64, l.get(0).blockX());
        String softmax = function(p, "k0_reduce_max_sub_exp_reduce_sum_and1_s0");
        assertEquals(2, count(softmax, "\n    __syncthreads();\n"), softmax);
        assertEquals(2, count(softmax, "jv_block_reduce("), softmax);
        assertTrue(softmax.contains("  for (jv_idx k = blockIdx.x; k < 19; k += gridDim.x) {\n"), softmax);
        assertTrue(softmax.contains("      for (jv_idx r = threadIdx.x; r < 37; r += 64) {\n"), softmax);
        assertTrue(p.source().contains("3 stages row by row, 19 rows, one block each"), p.source());
        assertEquals(1, l.get(1).gridX(), "a scalar result is one row");
        String mean = function(p, "k1_reduce_sum_div_s0");
        int reduce = mean.indexOf("jv_block_reduce(");
        int barrier = mean.indexOf("    __syncthreads();\n    {\n", reduce);
        int scalar = mean.indexOf("for (jv_idx r = threadIdx.x; r < 1; r += 256) {", barrier);
        assertTrue(reduce > 0 && barrier > reduce && scalar > barrier, mean);
    }

    @Test
    void aStageReadingOtherRowsResultsStartsANewLaunch() {
        CudaProgram p = generate(GroupPlans.ROWS_ACROSS);
        assertEquals(List.of("k0_reduce_max_sub_s0", "k0_reduce_max_sub_s1"), p.functions());
        assertFalse(p.source().contains("row by row"), p.source());
    }

    @Test
    void independentStagesShareTheGridInBlockRanges() {
        CudaProgram p = generate(GroupPlans.RANGES);
        assertEquals(1, p.launches().size());
        assertEquals(5 + 1 + 1, p.launches().getFirst().gridX(), "1221 and 37 elements on 256 threads, one sum");
        String f = function(p, "k0_mul_sub_mul_sub_s0");
        assertTrue(f.contains("  if (blockIdx.x < 5u) {\n"), f);
        assertTrue(f.contains("  } else if (blockIdx.x < 6u) {\n"), f);
        assertTrue(f.contains("  } else if (blockIdx.x < 7u) {\n"), f);
        assertTrue(f.contains("i = (jv_idx) (blockIdx.x - 5u) * 256 + threadIdx.x; i < 37; i += (jv_idx) 1 * 256)"), f);
        assertTrue(f.contains("for (jv_idx k = (blockIdx.x - 6u); k < 1; k += 1) {"), f);
        assertTrue(p.source().contains("3 independent stages in block ranges"), p.source());
    }

    private static final Ref A = new Ref("ta", DType.F32, Ref.Kind.ARRAY, true);
    private static final Ref B = new Ref("tb", DType.F32, Ref.Kind.ARRAY, true);
    private static final Ref MEM = new Ref("mf", DType.F32, Ref.Kind.MEMORY, true);

    private static Stage.Pointwise copy(Ref to, long toBase, Ref from, long fromBase) {
        Affine i = Affine.variable(0, 1);
        Expr v = new Expr.Binary(
                BinaryFn.ADD, new Expr.Load(from, i.plus(fromBase)), new Expr.Literal(DType.F32, 1), DType.F32);
        return new Stage.Pointwise(new long[] {8}, List.of(new Stage.Store(to, i.plus(toBase), v)));
    }

    @Test
    void stagesJoinInRangesOnlyWhenNeitherStoresWhatTheOtherTouches() {
        var disjoint = LaunchGroups.of(List.of(copy(MEM, 0, A, 0), copy(MEM, 8, B, 0)));
        assertEquals(1, disjoint.size());
        assertTrue(disjoint.getFirst() instanceof LaunchGroups.Ranges, disjoint.toString());
        var readAfterWrite = LaunchGroups.of(List.of(copy(MEM, 0, A, 0), copy(B, 0, MEM, 4)));
        assertEquals(2, readAfterWrite.size(), "the second reads bytes the first stores");
        var writeAfterRead = LaunchGroups.of(List.of(copy(B, 0, MEM, 0), copy(MEM, 7, A, 0)));
        assertEquals(2, writeAfterRead.size(), "the second stores over bytes the first reads");
        var otherView = LaunchGroups.of(
                List.of(copy(MEM, 0, A, 0), copy(B, 0, new Ref("ml", DType.I64, Ref.Kind.MEMORY, false), 3)));
        assertEquals(2, otherView.size(), "an i64 view of the same block reaches the stored floats");
    }
}
