package dev.javelin.codegen.cuda;

import dev.javelin.codegen.loops.Affine;
import dev.javelin.codegen.loops.Coalesce;
import dev.javelin.codegen.loops.Expr;
import dev.javelin.codegen.loops.Stage;
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
        List<Expr> values = st.stores().stream().map(Stage.Store::value).toList();
        List<Affine> targets = st.stores().stream().map(Stage.Store::index).toList();
        Set<Affine> affines = Coalesce.affines(values, targets);
        Coalesce.Nest nest =
                Coalesce.nest(st.loop(), 0, st.loop().length, affines, new ArrayList<>(), new ArrayList<>());
        long[] sizes = nest.sizes();
        long total = product(sizes, 0, sizes.length);
        CudaRefs refs = ctx.refs();
        StringBuilder body = new StringBuilder();
        String in = "    ";
        body.append(gridStride("i", total, BLOCK));
        split(body, in, "i", sizes, 0, sizes.length);
        CudaExprPrinter p = new CudaExprPrinter(body, in, "x", refs);
        List<String> names = new ArrayList<>();
        for (Stage.Store s : st.stores()) {
            names.add(p.value(s.value().mapAffine(a -> a.project(nest.keep()))));
        }
        for (int i = 0; i < st.stores().size(); i++) {
            Stage.Store s = st.stores().get(i);
            body.append(in)
                    .append(refs.store(s.ref(), s.index().project(nest.keep()).text(), names.get(i)))
                    .append('\n');
        }
        body.append("  }\n");
        String comment = "pointwise over " + shape(st.loop()) + ": " + total + " elements";
        return gridStride(ctx, comment, refs, body, total);
    }

    CudaFunction reduce(Stage.Reduce st) {
        List<Expr> values =
                st.accumulates().stream().map(Stage.Accumulate::value).toList();
        List<Affine> targets =
                st.accumulates().stream().map(Stage.Accumulate::index).toList();
        Set<Affine> affines = Coalesce.affines(values, targets);
        long[] loop = st.loop();
        // Kept loops first, reduced loops after, each group coalesced among itself.
        int[] order = keptThenReduced(st.reduced());
        long[] sizes = new long[loop.length];
        for (int i = 0; i < order.length; i++) {
            sizes[i] = loop[order[i]];
        }
        Set<Affine> reordered = new java.util.LinkedHashSet<>();
        affines.forEach(a -> reordered.add(a.project(order)));
        int kept = 0;
        for (boolean r : st.reduced()) {
            kept += r ? 0 : 1;
        }
        List<Long> outSizes = new ArrayList<>();
        List<Integer> outKeep = new ArrayList<>();
        Coalesce.nest(sizes, 0, kept, reordered, outSizes, outKeep);
        int keptLoops = outSizes.size();
        Coalesce.Nest nest = Coalesce.nest(sizes, kept, sizes.length, reordered, outSizes, outKeep);
        long[] ns = nest.sizes();
        int[] keep = new int[nest.keep().length];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = order[nest.keep()[i]];
        }
        long keptTotal = product(ns, 0, keptLoops);
        long reducedTotal = product(ns, keptLoops, ns.length);
        int block = reduceBlock(reducedTotal);
        CudaRefs refs = ctx.refs();
        StringBuilder body = new StringBuilder();
        List<Stage.Accumulate> accs = st.accumulates();
        for (int i = 0; i < accs.size(); i++) {
            DType t = accs.get(i).value().dtype();
            body.append("  __shared__ ")
                    .append(CudaTypes.type(t))
                    .append(" sh")
                    .append(i)
                    .append("[32];\n");
        }
        body.append("  for (jv_idx k = blockIdx.x; k < ").append(keptTotal).append("; k += gridDim.x) {\n");
        String in = "    ";
        split(body, in, "k", ns, 0, keptLoops);
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
                .append(reducedTotal)
                .append("; r += ")
                .append(block)
                .append(") {\n");
        split(body, in + "  ", "r", ns, keptLoops, ns.length);
        CudaExprPrinter p = new CudaExprPrinter(body, in + "  ", "x", refs);
        for (int i = 0; i < accs.size(); i++) {
            String v = p.value(accs.get(i).value().mapAffine(a -> a.project(keep)));
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
                    .append(", sh")
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
                    .append(refs.store(a.ref(), a.index().project(keep).text(), value))
                    .append('\n');
        }
        body.append(in).append("}\n  }\n");
        String comment = accs.size() + " reduction(s) over " + shape(loop) + ": " + keptTotal + " outputs of "
                + reducedTotal + " elements";
        long grid = ctx.rowGrid(keptTotal);
        return new CudaFunction(comment, function(block, refs, body), Math.max(1, grid), 1, 1, block, 0);
    }

    /** 32 to 256 threads: a power of two, at least the reduced length where that is smaller. */
    private static int reduceBlock(long reduced) {
        int b = 32;
        while (b < 256 && b < reduced) {
            b *= 2;
        }
        return b;
    }

    private static int[] keptThenReduced(boolean[] reduced) {
        int[] order = new int[reduced.length];
        int k = 0;
        for (int d = 0; d < reduced.length; d++) {
            if (!reduced[d]) {
                order[k++] = d;
            }
        }
        for (int d = 0; d < reduced.length; d++) {
            if (reduced[d]) {
                order[k++] = d;
            }
        }
        return order;
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
        return "  for (jv_idx " + var + " = (jv_idx) blockIdx.x * " + block + " + threadIdx.x; " + var + " < " + total
                + "; " + var + " += (jv_idx) gridDim.x * " + block + ") {\n";
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
