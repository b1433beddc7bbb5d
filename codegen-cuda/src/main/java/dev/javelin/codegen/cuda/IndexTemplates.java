package dev.javelin.codegen.cuda;

import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.type.DType;

/**
 * Gather, scatter-add and arg-max over dense operands, in NumPy's {@code take} layout: the indexed
 * tensor viewed as {@code [outer, size, inner]} around the axis, the index list as {@code count}
 * entries, the gathered or scattered tensor as {@code [outer, count, inner]}. A bad index is never
 * followed: the thread that meets it records it in the status word (check number, index, position,
 * size), which the runtime reads after the step and turns into an error naming the node.
 */
final class IndexTemplates {
    private IndexTemplates() {}

    static CudaFunction gather(CudaContext ctx, String what, Place table, Place idx, Place out, int axis, int check) {
        long[] s = table.shape();
        long outer = prod(s, 0, axis);
        long size = s[axis];
        long inner = prod(s, axis + 1, s.length);
        long count = idx.numel();
        long total = outer * count * inner;
        CudaRefs refs = ctx.refs();
        StringBuilder b = new StringBuilder();
        b.append(CudaStagePrinter.gridStride("e", total, CudaStagePrinter.BLOCK));
        b.append("    const jv_idx i = e % ").append(inner).append(";\n");
        b.append("    const jv_idx j = (e / ")
                .append(inner)
                .append(") % ")
                .append(count)
                .append(";\n");
        b.append("    const jv_idx o = e / ").append(inner * count).append(";\n");
        b.append("    const long long k = (long long) ")
                .append(refs.load(idx.ref(), idx.base() + " + j"))
                .append(";\n");
        b.append("    if (k < 0 || k >= ").append(size).append(") {\n");
        b.append(fail(ctx, refs, check, "k", "j", size));
        b.append("      continue;\n    }\n");
        b.append("    ")
                .append(refs.store(
                        out.ref(),
                        out.base() + " + e",
                        refs.load(
                                table.ref(), table.base() + " + (o * " + size + " + (jv_idx) k) * " + inner + " + i")))
                .append('\n');
        b.append("  }\n");
        return CudaStagePrinter.gridStride(
                ctx, what + ": " + count + " rows of " + inner + " gathered, one element per thread", refs, b, total);
    }

    /** Checks every index of a scatter-add before it runs (one per thread). */
    static CudaFunction checkIndices(CudaContext ctx, String what, Place idx, long size, int check) {
        long count = idx.numel();
        CudaRefs refs = ctx.refs();
        StringBuilder b = new StringBuilder();
        b.append(CudaStagePrinter.gridStride("j", count, CudaStagePrinter.BLOCK));
        b.append("    const long long k = (long long) ")
                .append(refs.load(idx.ref(), idx.base() + " + j"))
                .append(";\n");
        b.append("    if (k < 0 || k >= ").append(size).append(") {\n");
        b.append(fail(ctx, refs, check, "k", "j", size));
        b.append("    }\n  }\n");
        return CudaStagePrinter.gridStride(ctx, what + ": index check", refs, b, count);
    }

    /**
     * {@code out = base} plus, for every index j with {@code idx[j] = k}, row j of {@code upd} added to
     * row k: each destination element sums its contributions in index order (deterministic, no atomics).
     */
    static CudaFunction scatterAdd(
            CudaContext ctx, String what, Place base, Place idx, Place upd, Place out, int axis) {
        long[] s = base.shape();
        long outer = prod(s, 0, axis);
        long size = s[axis];
        long inner = prod(s, axis + 1, s.length);
        long count = idx.numel();
        long total = outer * size * inner;
        DType t = out.ref().dtype();
        CudaRefs refs = ctx.refs();
        StringBuilder b = new StringBuilder();
        b.append(CudaStagePrinter.gridStride("e", total, CudaStagePrinter.BLOCK));
        b.append("    const jv_idx i = e % ").append(inner).append(";\n");
        b.append("    const jv_idx k = (e / ")
                .append(inner)
                .append(") % ")
                .append(size)
                .append(";\n");
        b.append("    const jv_idx o = e / ").append(inner * size).append(";\n");
        b.append("    ")
                .append(CudaTypes.type(t))
                .append(" acc = ")
                .append(refs.load(base.ref(), base.base() + " + e"));
        b.append(";\n");
        b.append("    for (jv_idx j = 0; j < ").append(count).append("; j++) {\n");
        b.append("      if ((long long) ")
                .append(refs.load(idx.ref(), idx.base() + " + j"))
                .append(" == k) {\n");
        String u = refs.load(upd.ref(), upd.base() + " + (o * " + count + " + j) * " + inner + " + i");
        b.append("        acc = ")
                .append(t == DType.BOOL ? "acc || " + u : "acc + " + u)
                .append(";\n");
        b.append("      }\n    }\n");
        b.append("    ")
                .append(refs.store(out.ref(), out.base() + " + e", "acc"))
                .append("\n  }\n");
        return CudaStagePrinter.gridStride(
                ctx, what + ": " + count + " rows scattered, one destination element per thread", refs, b, total);
    }

    /** The first position of the maximum along {@code axis} (NaN counting as largest), one output per thread. */
    static CudaFunction argmax(CudaContext ctx, String what, Place x, Place out, int axis) {
        long[] s = x.shape();
        long outer = prod(s, 0, axis);
        long len = s[axis];
        long inner = prod(s, axis + 1, s.length);
        DType t = x.ref().dtype();
        CudaRefs refs = ctx.refs();
        StringBuilder b = new StringBuilder();
        long total = outer * inner;
        b.append(CudaStagePrinter.gridStride("e", total, CudaStagePrinter.BLOCK));
        b.append("    const jv_idx i = e % ").append(inner).append(";\n");
        b.append("    const jv_idx o = e / ").append(inner).append(";\n");
        b.append("    jv_idx best = 0;\n");
        b.append("    ").append(CudaTypes.type(t)).append(" bv = ");
        b.append(refs.load(x.ref(), x.base() + " + o * " + len * inner + " + i"))
                .append(";\n");
        b.append("    for (jv_idx q = 1; q < ").append(len).append("; q++) {\n");
        b.append("      const ").append(CudaTypes.type(t)).append(" v = ");
        b.append(refs.load(x.ref(), x.base() + " + (o * " + len + " + q) * " + inner + " + i"))
                .append(";\n");
        b.append("      if (")
                .append(t.isFloat() ? "v > bv || (v != v && bv == bv)" : "v > bv")
                .append(") {\n");
        b.append("        best = q;\n        bv = v;\n      }\n    }\n");
        b.append("    ")
                .append(refs.store(
                        out.ref(),
                        out.base() + " + e",
                        "(" + CudaTypes.type(out.ref().dtype()) + ") best"))
                .append("\n  }\n");
        return CudaStagePrinter.gridStride(
                ctx, what + ": arg-max over " + len + " elements, one output per thread", refs, b, total);
    }

    private static String fail(CudaContext ctx, CudaRefs refs, int check, String index, String where, long size) {
        return "      jv_fail(m + " + ctx.statusOffset() + ", " + (check + 1) + ", " + index + ", (long long) " + where
                + ", " + size + ");\n";
    }

    private static long prod(long[] s, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= s[i];
        }
        return p;
    }
}
