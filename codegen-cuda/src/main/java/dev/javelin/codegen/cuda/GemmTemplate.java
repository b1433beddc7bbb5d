package dev.javelin.codegen.cuda;

import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.op.MatMul;

/**
 * The fp32 matrix product as a tiled CUDA kernel: 256 threads (16 x 16) per block, each computing a
 * TM x TN register block of a (16 TM) x (16 TN) output tile; K walked in steps of 8 through two
 * shared-memory buffers, the next step's tiles fetched into registers while the current step
 * computes (double buffering, one barrier per step). Operands are any strided views, so transposes
 * and broadcast batch axes cost nothing; each tile load is laid out so that consecutive threads
 * read consecutive addresses along the operand's unit-stride axis. Batch axes run over the grid's z.
 * The tile is the largest of 128, 64 or 32 square that still gives the GPU a few hundred blocks.
 */
final class GemmTemplate {
    static final int BK = 8;

    private GemmTemplate() {}

    /**
     * The product of {@code g}, with {@code epilogue} (null: none) applied to each element of the
     * output tile in registers before anything is stored.
     */
    static CudaFunction of(CudaContext ctx, CudaGemm g, Epilogue epilogue) {
        boolean storeProduct = epilogue == null || epilogue.storeProduct();
        String what = g.what();
        Place a = g.a();
        Place b = g.b();
        Place out = g.out();
        MatMul mm = g.mm();
        int r = out.shape().length;
        long m = out.shape()[r - 2];
        long n = out.shape()[r - 1];
        int ar = a.shape().length;
        int br = b.shape().length;
        long k = mm.transposeA() ? a.shape()[ar - 2] : a.shape()[ar - 1];
        long aRow = mm.transposeA() ? a.strides()[ar - 1] : a.strides()[ar - 2];
        long aCol = mm.transposeA() ? a.strides()[ar - 2] : a.strides()[ar - 1];
        long bRow = mm.transposeB() ? b.strides()[br - 1] : b.strides()[br - 2];
        long bCol = mm.transposeB() ? b.strides()[br - 2] : b.strides()[br - 1];
        long batch = CudaStagePrinter.product(out.shape(), 0, r - 2);
        int t = tile(m, n, batch);
        int bm = 16 * t;
        CudaRefs refs = ctx.refs();
        String pa = refs.pointer(a.ref());
        String pb = refs.pointer(b.ref());
        String pc = storeProduct ? refs.pointer(out.ref()) : null;
        StringBuilder s = new StringBuilder();
        s.append("  __shared__ float As[2][")
                .append(BK)
                .append("][")
                .append(bm + 4)
                .append("];\n");
        s.append("  __shared__ float Bs[2][")
                .append(BK)
                .append("][")
                .append(bm + 4)
                .append("];\n");
        s.append("  const int tx = threadIdx.x % 16;\n  const int ty = threadIdx.x / 16;\n");
        s.append("  const jv_idx row0 = (jv_idx) blockIdx.y * ").append(bm).append(";\n");
        s.append("  const jv_idx col0 = (jv_idx) blockIdx.x * ").append(bm).append(";\n");
        s.append(batchOffsets(a, b, out, r, storeProduct));
        s.append("  float acc[").append(t).append("][").append(t).append("];\n");
        s.append("#pragma unroll\n  for (int i = 0; i < ").append(t).append("; i++) {\n");
        s.append("#pragma unroll\n    for (int j = 0; j < ").append(t).append("; j++) {\n");
        s.append("      acc[i][j] = 0.0f;\n    }\n  }\n");
        int per = bm * BK / 256;
        s.append("  float ra[")
                .append(per)
                .append("];\n  float rb[")
                .append(per)
                .append("];\n");
        s.append("  const jv_idx steps = ").append(Math.ceilDiv(k, BK)).append(";\n");
        // Fetch step 0, store it, then per step: fetch the next, compute, store the next.
        s.append(fetch(pa, pb, m, n, k, aRow, aCol, bRow, bCol, bm, "0", "  "));
        s.append(store(aCol, bRow, bCol, bm, "0", "  "));
        s.append("  __syncthreads();\n");
        s.append("  for (jv_idx step = 0; step < steps; step++) {\n");
        s.append("    const int cur = (int) (step & 1);\n");
        s.append("    if (step + 1 < steps) {\n");
        s.append(fetch(pa, pb, m, n, k, aRow, aCol, bRow, bCol, bm, "(step + 1) * " + BK, "      "));
        s.append("    }\n");
        s.append("#pragma unroll\n    for (int kk = 0; kk < ").append(BK).append("; kk++) {\n");
        s.append("      float va[")
                .append(t)
                .append("];\n      float vb[")
                .append(t)
                .append("];\n");
        s.append("#pragma unroll\n      for (int i = 0; i < ").append(t).append("; i++) {\n");
        s.append("        va[i] = As[cur][kk][ty + 16 * i];\n        vb[i] = Bs[cur][kk][tx + 16 * i];\n      }\n");
        s.append("#pragma unroll\n      for (int i = 0; i < ").append(t).append("; i++) {\n");
        s.append("#pragma unroll\n        for (int j = 0; j < ").append(t).append("; j++) {\n");
        s.append("          acc[i][j] = fmaf(va[i], vb[j], acc[i][j]);\n        }\n      }\n    }\n");
        s.append("    if (step + 1 < steps) {\n");
        s.append(store(aCol, bRow, bCol, bm, "cur ^ 1", "      "));
        s.append("    }\n    __syncthreads();\n  }\n");
        s.append("#pragma unroll\n  for (int i = 0; i < ").append(t).append("; i++) {\n");
        s.append("    const jv_idx gi = row0 + ty + 16 * i;\n");
        s.append("#pragma unroll\n    for (int j = 0; j < ").append(t).append("; j++) {\n");
        s.append("      const jv_idx gj = col0 + tx + 16 * j;\n");
        s.append("      if (gi < ").append(m).append(" && gj < ").append(n).append(") {\n");
        if (storeProduct) {
            s.append("        ")
                    .append(pc)
                    .append("[oc + gi * ")
                    .append(out.strides()[r - 2])
                    .append(" + gj * ");
            s.append(out.strides()[r - 1]).append("] = acc[i][j];\n");
        }
        if (epilogue != null) {
            s.append(epilogue.print(out, variables(out), "acc[i][j]", refs, "        "));
        }
        s.append("      }\n    }\n  }\n");
        String comment = what + ": " + (batch > 1 ? batch + " x " : "") + m + "x" + n + "x" + k + " fp32 product, " + bm
                + "x" + bm + " tiles"
                + (epilogue == null ? "" : ", " + epilogue.describe());
        return new CudaFunction(
                comment,
                CudaStagePrinter.function(256, refs, s),
                Math.ceilDiv(n, bm),
                (int) Math.ceilDiv(m, bm),
                (int) batch,
                256,
                0);
    }

    /** The output's indices in the store loop: batch axes from {@code blockIdx.z}, then the row and column. */
    private static String[] variables(Place out) {
        int r = out.shape().length;
        String[] vars = new String[r];
        long inner = 1;
        for (int d = r - 3; d >= 0; d--) {
            vars[d] = "((jv_idx) blockIdx.z / " + inner + ") % " + out.shape()[d];
            inner *= out.shape()[d];
        }
        vars[r - 2] = "gi";
        vars[r - 1] = "gj";
        return vars;
    }

    /** Register block 8, 4 or 2: the biggest whose grid still has about two blocks per SM of a large GPU. */
    static int tile(long m, long n, long batch) {
        for (int t = 8; t > 2; t /= 2) {
            long blocks = Math.ceilDiv(m, 16L * t) * Math.ceilDiv(n, 16L * t) * batch;
            if (blocks >= 264) {
                return t;
            }
        }
        return 2;
    }

    /**
     * Base offsets {@code oa, ob, oc} of the batch {@code blockIdx.z}, broadcast axes contributing
     * nothing; no {@code oc} where the product is not stored.
     */
    private static String batchOffsets(Place a, Place b, Place out, int r, boolean storeProduct) {
        StringBuilder s = new StringBuilder();
        s.append("  jv_idx oa = ").append(a.base()).append(";\n");
        s.append("  jv_idx ob = ").append(b.base()).append(";\n");
        if (storeProduct) {
            s.append("  jv_idx oc = ").append(out.base()).append(";\n");
        }
        long inner = 1;
        for (int d = r - 3; d >= 0; d--) {
            String terms = term("oa", a, d, r)
                    + term("ob", b, d, r)
                    + (storeProduct ? "    oc += v * " + out.strides()[d] + ";\n" : "");
            if (!terms.isEmpty()) {
                s.append("  {\n    const jv_idx v = ((jv_idx) blockIdx.z / ")
                        .append(inner)
                        .append(") % ")
                        .append(out.shape()[d])
                        .append(";\n");
                s.append(terms).append("  }\n");
            }
            inner *= out.shape()[d];
        }
        return s.toString();
    }

    private static String term(String var, Place p, int d, int outRank) {
        int pd = d - (outRank - p.shape().length);
        if (pd < 0 || p.shape()[pd] == 1 || p.strides()[pd] == 0) {
            return "";
        }
        return "    " + var + " += v * " + p.strides()[pd] + ";\n";
    }

    /**
     * Loads step {@code k0}'s tiles into registers {@code ra}, {@code rb} (zero outside the matrices).
     * A's tile is {@code bm} rows x BK; consecutive threads walk K when A's columns are contiguous,
     * rows otherwise; the same for B's BK x {@code bm} tile.
     */
    private static String fetch(
            String pa,
            String pb,
            long m,
            long n,
            long k,
            long aRow,
            long aCol,
            long bRow,
            long bCol,
            int bm,
            String k0,
            String in) {
        int per = bm * BK / 256;
        StringBuilder s = new StringBuilder();
        s.append(in).append("{\n");
        s.append(in).append("  const jv_idx k0 = ").append(k0).append(";\n");
        s.append(in).append("#pragma unroll\n");
        s.append(in).append("  for (int l = 0; l < ").append(per).append("; l++) {\n");
        s.append(in).append("    const int e = threadIdx.x + 256 * l;\n");
        s.append(in)
                .append("    const int kk = ")
                .append(aK(aCol, bm))
                .append(", rr = ")
                .append(aR(aCol, bm))
                .append(";\n");
        s.append(in).append("    const jv_idx gi = row0 + rr, gk = k0 + kk;\n");
        s.append(in)
                .append("    ra[l] = (gi < ")
                .append(m)
                .append(" && gk < ")
                .append(k)
                .append(") ? ")
                .append(pa);
        s.append("[oa + gi * ").append(aRow).append(" + gk * ").append(aCol).append("] : 0.0f;\n");
        s.append(in)
                .append("    const int kb = ")
                .append(bK(bRow, bCol, bm))
                .append(", cc = ")
                .append(bC(bRow, bCol, bm))
                .append(";\n");
        s.append(in).append("    const jv_idx gj = col0 + cc, gkb = k0 + kb;\n");
        s.append(in)
                .append("    rb[l] = (gj < ")
                .append(n)
                .append(" && gkb < ")
                .append(k)
                .append(") ? ")
                .append(pb);
        s.append("[ob + gkb * ").append(bRow).append(" + gj * ").append(bCol).append("] : 0.0f;\n");
        s.append(in).append("  }\n");
        s.append(in).append("}\n");
        return s.toString();
    }

    // Element e of a tile load: along K first when the operand is contiguous along K, else along M or N.
    private static String aK(long aCol, int bm) {
        return aCol == 1 ? "e % " + BK : "e / " + bm;
    }

    private static String aR(long aCol, int bm) {
        return aCol == 1 ? "e / " + BK : "e % " + bm;
    }

    private static boolean bAlongK(long bRow, long bCol) {
        return bRow == 1 && bCol != 1;
    }

    private static String bK(long bRow, long bCol, int bm) {
        return bAlongK(bRow, bCol) ? "e % " + BK : "e / " + bm;
    }

    private static String bC(long bRow, long bCol, int bm) {
        return bAlongK(bRow, bCol) ? "e / " + BK : "e % " + bm;
    }

    /** Stores the fetched registers into shared buffer {@code buf}, with the same element mapping as the fetch. */
    private static String store(long aCol, long bRow, long bCol, int bm, String buf, String in) {
        int per = bm * BK / 256;
        StringBuilder s = new StringBuilder();
        s.append(in).append("#pragma unroll\n");
        s.append(in).append("for (int l = 0; l < ").append(per).append("; l++) {\n");
        s.append(in).append("  const int e = threadIdx.x + 256 * l;\n");
        s.append(in)
                .append("  As[")
                .append(buf)
                .append("][")
                .append(aK(aCol, bm))
                .append("][")
                .append(aR(aCol, bm));
        s.append("] = ra[l];\n");
        s.append(in)
                .append("  Bs[")
                .append(buf)
                .append("][")
                .append(bK(bRow, bCol, bm))
                .append("][");
        s.append(bC(bRow, bCol, bm)).append("] = rb[l];\n");
        s.append(in).append("}\n");
        return s.toString();
    }
}
