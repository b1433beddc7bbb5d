package dev.javelin.codegen.cuda;

import dev.javelin.codegen.loops.Coalesce;
import dev.javelin.ir.kernel.Affine;
import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.kernel.Stage;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.type.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Prints a loop stage as one CUDA function. A pointwise nest is coalesced and run as a grid-stride
 * loop, one element per thread per step, the linear index split back into loop variables. A
 * reduction gives each block one kept point at a time (grid-stride over kept points); its threads
 * stride over the reduced elements, then combine through warp shuffles and shared memory, and
 * thread 0 stores. Every reduction over the same input shares the pass.
 */
final class CudaStagePrinter {
    /** Threads per block of a pointwise stage. */
    static final int BLOCK = 256;

    private final CudaContext ctx;

    CudaStagePrinter(CudaContext ctx) {
        this.ctx = ctx;
    }

    CudaFunction pointwise(Stage.Pointwise st) {
        Coalesce.Nest nest = coalesced(st);
        long[] sizes = nest.sizes();
        long total = product(sizes, 0, sizes.length);
        CudaRefs refs = ctx.refs();
        StringBuilder body = new StringBuilder();
        body.append(gridStride("i", total, BLOCK));
        split(body, "    ", "i", sizes, 0, sizes.length);
        stores(body, "    ", st, nest.keep(), refs);
        body.append("  }\n");
        return gridStride(ctx, comment(st), refs, body, total);
    }

    /** A pointwise stage's nest, every loop coalesced that its indices allow. */
    static Coalesce.Nest coalesced(Stage.Pointwise st) {
        List<Expr> values = st.stores().stream().map(Stage.Store::value).toList();
        List<Affine> targets = st.stores().stream().map(Stage.Store::index).toList();
        Set<Affine> affines = Coalesce.affines(values, targets);
        return Coalesce.nest(st.loop(), 0, st.loop().length, affines, new ArrayList<>(), new ArrayList<>());
    }

    static String comment(Stage.Pointwise st) {
        return "pointwise over " + shape(st.loop()) + ": " + product(st.loop(), 0, st.loop().length) + " elements";
    }

    /** Computes and stores one point of {@code st}, its loop variables (of the nest {@code keep} names) declared. */
    static void stores(StringBuilder body, String in, Stage.Pointwise st, int[] keep, CudaRefs refs) {
        CudaExprPrinter p = new CudaExprPrinter(body, in, "x", refs);
        List<String> names = new ArrayList<>();
        for (Stage.Store s : st.stores()) {
            names.add(p.value(s.value().mapAffine(a -> a.project(keep))));
        }
        for (int i = 0; i < st.stores().size(); i++) {
            Stage.Store s = st.stores().get(i);
            body.append(in)
                    .append(refs.store(s.ref(), s.index().project(keep).text(), names.get(i)))
                    .append('\n');
        }
    }

    CudaFunction reduce(Stage.Reduce st) {
        RowNest nest = RowNest.of(st);
        long keptTotal = nest.rows();
        int block = reduceBlock(nest.perRow());
        CudaRefs refs = ctx.refs();
        StringBuilder body = new StringBuilder();
        shared(body, st, "sh");
        body.append("  for (jv_idx k = blockIdx.x; k < ").append(keptTotal).append("; k += gridDim.x) {\n");
        split(body, "    ", "k", nest.sizes(), 0, nest.rowLoops());
        reduceRow(body, "    ", nest, block, "sh", refs);
        body.append("  }\n");
        long grid = ctx.rowGrid(keptTotal);
        return new CudaFunction(comment(nest), function(block, refs, body), Math.max(1, grid), 1, 1, block, 0);
    }

    static String comment(RowNest nest) {
        Stage.Reduce st = (Stage.Reduce) nest.stage();
        return st.accumulates().size() + " reduction(s) over " + shape(st.loop()) + ": " + nest.rows() + " outputs of "
                + nest.perRow() + " elements";
    }

    /** The shared arrays {@code <sh><i>[32]} of a reduction's block-wide combines, one per accumulation. */
    static void shared(StringBuilder body, Stage.Reduce st, String sh) {
        for (int i = 0; i < st.accumulates().size(); i++) {
            DType t = st.accumulates().get(i).value().dtype();
            body.append("  __shared__ ")
                    .append(CudaTypes.type(t))
                    .append(' ')
                    .append(sh)
                    .append(i)
                    .append("[32];\n");
        }
    }

    /**
     * One kept point of a reduction, its row loop variables declared: the block's threads stride
     * over the reduced elements, combine through {@code jv_block_reduce}, and thread 0 stores.
     */
    static void reduceRow(StringBuilder body, String in, RowNest nest, int block, String sh, CudaRefs refs) {
        Stage.Reduce st = (Stage.Reduce) nest.stage();
        List<Stage.Accumulate> accs = st.accumulates();
        long[] ns = nest.sizes();
        int keptLoops = nest.rowLoops();
        for (int i = 0; i < accs.size(); i++) {
            DType t = accs.get(i).value().dtype();
            body.append(in)
                    .append(CudaTypes.type(t))
                    .append(" a")
                    .append(i)
                    .append(" = ")
                    .append(identity(accs.get(i).fn(), t))
                    .append(";\n");
        }
        body.append(in)
                .append("for (jv_idx r = threadIdx.x; r < ")
                .append(nest.perRow())
                .append("; r += ")
                .append(block)
                .append(") {\n");
        split(body, in + "  ", "r", ns, keptLoops, ns.length);
        CudaExprPrinter p = new CudaExprPrinter(body, in + "  ", "x", refs);
        for (int i = 0; i < accs.size(); i++) {
            String v = p.value(accs.get(i).value().mapAffine(nest::project));
            body.append(in)
                    .append("  a")
                    .append(i)
                    .append(" = ")
                    .append(combine(accs.get(i).fn(), "a" + i, v))
                    .append(";\n");
        }
        body.append(in).append("}\n");
        for (int i = 0; i < accs.size(); i++) {
            Stage.Accumulate a = accs.get(i);
            body.append(in)
                    .append("a")
                    .append(i)
                    .append(" = jv_block_reduce(a")
                    .append(i)
                    .append(", ")
                    .append(sh)
                    .append(i)
                    .append(", ")
                    .append(identity(a.fn(), a.value().dtype()))
                    .append(", ")
                    .append(functor(a.fn()))
                    .append("());\n");
        }
        body.append(in).append("if (threadIdx.x == 0) {\n");
        for (int i = 0; i < accs.size(); i++) {
            Stage.Accumulate a = accs.get(i);
            String value = a.value().dtype() == a.ref().dtype()
                    ? "a" + i
                    : CudaExprPrinter.cast(a.value().dtype(), a.ref().dtype(), "a" + i);
            body.append(in)
                    .append("  ")
                    .append(refs.store(a.ref(), nest.project(a.index()).text(), value))
                    .append('\n');
        }
        body.append(in).append("}\n");
    }

    /** 32 to 256 threads: a power of two, at least the reduced length where that is smaller. */
    static int reduceBlock(long reduced) {
        int b = 32;
        while (b < 256 && b < reduced) {
            b *= 2;
        }
        return b;
    }

    static String identity(ReduceFn fn, DType t) {
        return switch (fn) {
            case SUM -> CudaTypes.literal(t, 0);
            case MAX -> t.isFloat() ? CudaTypes.literal(t, Double.NEGATIVE_INFINITY) : min(t);
            case MIN -> t.isFloat() ? CudaTypes.literal(t, Double.POSITIVE_INFINITY) : max(t);
        };
    }

    private static String min(DType t) {
        return switch (t) {
            case I32 -> "(-2147483647 - 1)";
            case I64 -> "(-9223372036854775807LL - 1)";
            case BOOL -> "false";
            default -> throw CudaTypes.unsupported(t);
        };
    }

    private static String max(DType t) {
        return switch (t) {
            case I32 -> "2147483647";
            case I64 -> "9223372036854775807LL";
            case BOOL -> "true";
            default -> throw CudaTypes.unsupported(t);
        };
    }

    static String combine(ReduceFn fn, String a, String b) {
        return switch (fn) {
            case SUM -> a + " + " + b;
            case MAX -> "jv_max(" + a + ", " + b + ")";
            case MIN -> "jv_min(" + a + ", " + b + ")";
        };
    }

    private static String functor(ReduceFn fn) {
        return switch (fn) {
            case SUM -> "JvSum";
            case MAX -> "JvMax";
            case MIN -> "JvMin";
        };
    }

    /** The opening of a grid-stride loop over {@code total} elements with {@code block} threads per block. */
    static String gridStride(String var, long total, int block) {
        return gridStride(var, total, block, "blockIdx.x", "gridDim.x");
    }

    /** As {@link #gridStride(String, long, int)} over a grid of {@code grid} blocks, this one being {@code blockIndex}. */
    static String gridStride(String var, long total, int block, String blockIndex, String grid) {
        return "  for (jv_idx " + var + " = (jv_idx) " + blockIndex + " * " + block + " + threadIdx.x; " + var + " < "
                + total + "; " + var + " += (jv_idx) " + grid + " * " + block + ") {\n";
    }

    /** Declares loop variables {@code v<from>..v<to-1>} of sizes {@code sizes} from the linear index {@code var}. */
    static void split(StringBuilder b, String in, String var, long[] sizes, int from, int to) {
        if (to - from == 1) {
            b.append(in)
                    .append("const jv_idx v")
                    .append(from)
                    .append(" = ")
                    .append(var)
                    .append(";\n");
            return;
        }
        if (to == from) {
            return;
        }
        String rest = var + "_";
        b.append(in).append("jv_idx ").append(rest).append(" = ").append(var).append(";\n");
        for (int j = to - 1; j > from; j--) {
            b.append(in)
                    .append("const jv_idx v")
                    .append(j)
                    .append(" = ")
                    .append(rest)
                    .append(" % ")
                    .append(sizes[j])
                    .append(";\n");
            b.append(in).append(rest).append(" /= ").append(sizes[j]).append(";\n");
        }
        b.append(in)
                .append("const jv_idx v")
                .append(from)
                .append(" = ")
                .append(rest)
                .append(";\n");
    }

    /** A function whose body is a grid-stride loop over {@code total} elements, {@link #BLOCK} threads per block. */
    static CudaFunction gridStride(CudaContext ctx, String comment, CudaRefs refs, StringBuilder body, long total) {
        return new CudaFunction(comment, function(BLOCK, refs, body), ctx.grid(total, BLOCK), 1, 1, BLOCK, 0);
    }

    /** A whole function: signature with launch bounds, pointer declarations, then the body. */
    static String function(int block, CudaRefs refs, StringBuilder body) {
        return "extern \"C\" __global__ void __launch_bounds__(" + block + ") " + CudaFunction.NAME
                + "(char* __restrict__ m) {\n" + refs.declarations("  ") + body + "}\n";
    }

    static long product(long[] s, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= s[i];
        }
        return p;
    }

    static String shape(long[] s) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < s.length; i++) {
            b.append(i == 0 ? "" : ", ").append(s[i]);
        }
        return b.append(']').toString();
    }
}
