package dev.javelin.codegen.cuda;

import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.PoolKind;

/**
 * Convolution, its gradients and pooling as window loops over strided NCHW views, the
 * interpreter's semantics: padding as zeros (max pooling: as -inf), average pooling divides by the
 * whole window, the max-pooling gradient goes to the first position holding the window's maximum
 * (NaN counting as largest). Forward convolution and both pooling directions give one output
 * element to each thread; the input gradient gathers every tap that reached its element (no
 * atomics); the filter gradient gives each filter element a block that reduces over batch and
 * positions.
 */
final class WindowTemplates {
    private final CudaContext ctx;
    /** The result in its node's layout, and that layout's axis for each NCHW axis. */
    private final Place node;

    private final int[] nodeAxis;
    private final Epilogue epilogue;

    WindowTemplates(CudaContext ctx) {
        this(ctx, null, new int[] {0, 1, 2, 3}, null);
    }

    /**
     * Templates whose one-element-per-thread result {@code node} (NCHW axis {@code i} being its axis
     * {@code nodeAxis[i]}) gets {@code epilogue} (null: none) applied in registers.
     */
    WindowTemplates(CudaContext ctx, Place node, int[] nodeAxis, Epilogue epilogue) {
        this.ctx = ctx;
        this.node = node;
        this.nodeAxis = nodeAxis.clone();
        this.epilogue = epilogue;
    }

    /**
     * Stores {@code value}, the result at NCHW index {@code names} of {@code y}, unless the epilogue
     * says it is never read; then runs the epilogue on it.
     */
    private String finish(CudaRefs refs, Place y, String[] names, String value) {
        StringBuilder s = new StringBuilder();
        if (epilogue == null || epilogue.storeProduct()) {
            s.append("    ").append(refs.pointer(y.ref())).append("[").append(index(y, names));
            s.append("] = ").append(value).append(";\n");
        }
        if (epilogue != null) {
            String[] vars = new String[names.length];
            for (int i = 0; i < names.length; i++) {
                vars[nodeAxis[i]] = names[i];
            }
            s.append(epilogue.print(node, vars, value.equals("acc") ? value : "(" + value + ")", refs, "    "));
        }
        return s.toString();
    }

    private String comment(String what) {
        return epilogue == null ? what : what + ", " + epilogue.describe();
    }

    /** {@code y[n, o, oh, ow] = sum over (c, kh, kw) of x * w}. */
    CudaFunction conv(String what, Place x, Place w, Place y, Conv2d c) {
        CudaHeavy.requireF32(what, x, w, y);
        Geometry g = new Geometry(x, w, y, c);
        CudaRefs refs = ctx.refs();
        StringBuilder s = new StringBuilder();
        long total = g.n * g.o * g.oh * g.ow;
        s.append(CudaStagePrinter.gridStride("e", total, CudaStagePrinter.BLOCK));
        s.append(split("e", new String[] {"n", "o", "oh", "ow"}, new long[] {g.n, g.o, g.oh, g.ow}));
        s.append("    float acc = 0.0f;\n");
        s.append("    for (jv_idx c = 0; c < ").append(g.cg).append("; c++) {\n");
        s.append("      for (jv_idx kh = 0; kh < ").append(g.kh).append("; kh++) {\n");
        s.append("        const jv_idx ih = oh * ")
                .append(g.sh)
                .append(" - ")
                .append(g.top)
                .append(" + kh * ");
        s.append(g.dh).append(";\n");
        s.append("        if (ih < 0 || ih >= ").append(g.h).append(") continue;\n");
        s.append("        for (jv_idx kw = 0; kw < ").append(g.kw).append("; kw++) {\n");
        s.append("          const jv_idx iw = ow * ")
                .append(g.sw)
                .append(" - ")
                .append(g.left)
                .append(" + kw * ");
        s.append(g.dw).append(";\n");
        s.append("          if (iw < 0 || iw >= ").append(g.w).append(") continue;\n");
        s.append("          acc += ").append(at(refs, w, "o", "c", "kh", "kw")).append(" * ");
        s.append(at(refs, x, "n", "o / " + g.groupOut + " * " + g.cg + " + c", "ih", "iw"))
                .append(";\n");
        s.append("        }\n      }\n    }\n");
        s.append(finish(refs, y, new String[] {"n", "o", "oh", "ow"}, "acc")).append("  }\n");
        return CudaStagePrinter.gridStride(
                ctx, comment(what + ": direct convolution, one output per thread"), refs, s, total);
    }

    /** {@code dx[n, ic, ih, iw]}: every (o, kh, kw) tap of its group whose output position exists. */
    CudaFunction convInput(String what, Place dx, Place w, Place dy, Conv2d c) {
        CudaHeavy.requireF32(what, dx, w, dy);
        Geometry g = new Geometry(dx, w, dy, c);
        CudaRefs refs = ctx.refs();
        StringBuilder s = new StringBuilder();
        long total = g.n * g.c * g.h * g.w;
        s.append(CudaStagePrinter.gridStride("e", total, CudaStagePrinter.BLOCK));
        s.append(split("e", new String[] {"n", "ic", "ih", "iw"}, new long[] {g.n, g.c, g.h, g.w}));
        s.append("    const jv_idx group = ic / ").append(g.cg).append(";\n");
        s.append("    float acc = 0.0f;\n");
        s.append("    for (jv_idx o = group * ")
                .append(g.groupOut)
                .append("; o < (group + 1) * ")
                .append(g.groupOut);
        s.append("; o++) {\n");
        s.append("      for (jv_idx kh = 0; kh < ").append(g.kh).append("; kh++) {\n");
        s.append("        const jv_idx th = ih + ")
                .append(g.top)
                .append(" - kh * ")
                .append(g.dh)
                .append(";\n");
        s.append("        if (th < 0 || th % ")
                .append(g.sh)
                .append(" != 0 || th / ")
                .append(g.sh)
                .append(" >= ");
        s.append(g.oh).append(") continue;\n");
        s.append("        const jv_idx oh = th / ").append(g.sh).append(";\n");
        s.append("        for (jv_idx kw = 0; kw < ").append(g.kw).append("; kw++) {\n");
        s.append("          const jv_idx tw = iw + ")
                .append(g.left)
                .append(" - kw * ")
                .append(g.dw)
                .append(";\n");
        s.append("          if (tw < 0 || tw % ")
                .append(g.sw)
                .append(" != 0 || tw / ")
                .append(g.sw)
                .append(" >= ");
        s.append(g.ow).append(") continue;\n");
        s.append("          const jv_idx ow = tw / ").append(g.sw).append(";\n");
        s.append("          acc += ")
                .append(at(refs, w, "o", "ic % " + g.cg, "kh", "kw"))
                .append(" * ");
        s.append(at(refs, dy, "n", "o", "oh", "ow")).append(";\n");
        s.append("        }\n      }\n    }\n");
        s.append(finish(refs, dx, new String[] {"n", "ic", "ih", "iw"}, "acc")).append("  }\n");
        return CudaStagePrinter.gridStride(
                ctx, comment(what + ": input gradient, one input element per thread"), refs, s, total);
    }

    /** {@code dw[o, c, kh, kw] = sum over (n, oh, ow) of x * dy}: a block per filter element. */
    CudaFunction convFilter(String what, Place x, Place dw, Place dy, Conv2d c) {
        CudaHeavy.requireF32(what, x, dw, dy);
        Geometry g = new Geometry(x, dw, dy, c);
        CudaRefs refs = ctx.refs();
        StringBuilder s = new StringBuilder();
        long filters = g.o * g.cg * g.kh * g.kw;
        long positions = g.n * g.oh * g.ow;
        s.append("  __shared__ float sh[32];\n");
        s.append("  for (jv_idx f = blockIdx.x; f < ").append(filters).append("; f += gridDim.x) {\n");
        s.append(split("f", new String[] {"o", "c", "kh", "kw"}, new long[] {g.o, g.cg, g.kh, g.kw}));
        s.append("    float acc = 0.0f;\n");
        s.append("    for (jv_idx p = threadIdx.x; p < ").append(positions).append("; p += 256) {\n");
        s.append(split("p", new String[] {"n", "oh", "ow"}, new long[] {g.n, g.oh, g.ow})
                .replace("\n    ", "\n      ")
                .replaceFirst("^    ", "      "));
        s.append("      const jv_idx ih = oh * ")
                .append(g.sh)
                .append(" - ")
                .append(g.top)
                .append(" + kh * ");
        s.append(g.dh).append(";\n");
        s.append("      const jv_idx iw = ow * ")
                .append(g.sw)
                .append(" - ")
                .append(g.left)
                .append(" + kw * ");
        s.append(g.dw).append(";\n");
        s.append("      if (ih < 0 || ih >= ")
                .append(g.h)
                .append(" || iw < 0 || iw >= ")
                .append(g.w);
        s.append(") continue;\n");
        s.append("      acc += ")
                .append(at(refs, x, "n", "o / " + g.groupOut + " * " + g.cg + " + c", "ih", "iw"))
                .append(" * ");
        s.append(at(refs, dy, "n", "o", "oh", "ow")).append(";\n");
        s.append("    }\n");
        s.append("    acc = jv_block_reduce(acc, sh, 0.0f, JvSum());\n");
        s.append("    if (threadIdx.x == 0) {\n      ")
                .append(refs.pointer(dw.ref()))
                .append("[");
        s.append(index(dw, "o", "c", "kh", "kw")).append("] = acc;\n    }\n  }\n");
        return new CudaFunction(
                what + ": filter gradient, a block per filter element",
                CudaStagePrinter.function(256, refs, s),
                ctx.rowGrid(filters),
                1,
                1,
                256,
                0);
    }

    /** Max or average pooling, one output element per thread. */
    CudaFunction pool(String what, Place x, Place y, Pool2d p) {
        CudaHeavy.requireF32(what, x, y);
        Pooling g = new Pooling(x, y, p);
        boolean max = p.kind() == PoolKind.MAX;
        CudaRefs refs = ctx.refs();
        StringBuilder s = new StringBuilder();
        long total = g.n * g.c * g.oh * g.ow;
        s.append(CudaStagePrinter.gridStride("e", total, CudaStagePrinter.BLOCK));
        s.append(split("e", new String[] {"n", "c", "oh", "ow"}, new long[] {g.n, g.c, g.oh, g.ow}));
        s.append("    float acc = ").append(max ? CudaTypes.floatLiteral(Float.NEGATIVE_INFINITY) : "0.0f");
        s.append(";\n");
        s.append(windowLoops(g, "    "));
        s.append("        const float v = ")
                .append(at(refs, x, "n", "c", "ih", "iw"))
                .append(";\n");
        s.append(max ? "        acc = jv_max(acc, v);\n" : "        acc += v;\n");
        s.append("      }\n    }\n");
        String value = max ? "acc" : "acc * " + CudaTypes.floatLiteral(1f / (g.kh * g.kw));
        s.append(finish(refs, y, new String[] {"n", "c", "oh", "ow"}, value)).append("  }\n");
        return CudaStagePrinter.gridStride(
                ctx,
                comment(what + ": " + (max ? "max" : "average") + " pooling, one output per thread"),
                refs,
                s,
                total);
    }

    /** The pooling gradient: each input element sums the gradients of the windows that chose it. */
    CudaFunction poolGrad(String what, Place x, Place dy, Place dx, Pool2d p) {
        CudaHeavy.requireF32(what, x, dy, dx);
        Pooling g = new Pooling(x, dy, p);
        boolean max = p.kind() == PoolKind.MAX;
        CudaRefs refs = ctx.refs();
        StringBuilder s = new StringBuilder();
        long total = g.n * g.c * g.h * g.w;
        s.append(CudaStagePrinter.gridStride("e", total, CudaStagePrinter.BLOCK));
        s.append(split("e", new String[] {"n", "c", "xh", "xw"}, new long[] {g.n, g.c, g.h, g.w}));
        s.append("    float acc = 0.0f;\n");
        // Output rows whose window covers xh: oh * sh - top <= xh < oh * sh - top + kh.
        s.append("    for (jv_idx oh = 0; oh < ").append(g.oh).append("; oh++) {\n");
        s.append("      const jv_idx h0 = oh * ")
                .append(g.sh)
                .append(" - ")
                .append(g.top)
                .append(";\n");
        s.append("      if (xh < h0 || xh >= h0 + ").append(g.kh).append(") continue;\n");
        s.append("      for (jv_idx ow = 0; ow < ").append(g.ow).append("; ow++) {\n");
        s.append("        const jv_idx w0 = ow * ")
                .append(g.sw)
                .append(" - ")
                .append(g.left)
                .append(";\n");
        s.append("        if (xw < w0 || xw >= w0 + ").append(g.kw).append(") continue;\n");
        s.append("        const float gy = ")
                .append(at(refs, dy, "n", "c", "oh", "ow"))
                .append(";\n");
        if (!max) {
            s.append("        acc += gy * ")
                    .append(CudaTypes.floatLiteral(1f / (g.kh * g.kw)))
                    .append(";\n");
        } else {
            s.append("        jv_idx bh = -1, bw = -1;\n        float best = 0.0f;\n");
            s.append("        for (jv_idx i = 0; i < ").append(g.kh).append("; i++) {\n");
            s.append("          const jv_idx ih = h0 + i;\n");
            s.append("          if (ih < 0 || ih >= ").append(g.h).append(") continue;\n");
            s.append("          for (jv_idx j = 0; j < ").append(g.kw).append("; j++) {\n");
            s.append("            const jv_idx iw = w0 + j;\n");
            s.append("            if (iw < 0 || iw >= ").append(g.w).append(") continue;\n");
            s.append("            const float v = ")
                    .append(at(refs, x, "n", "c", "ih", "iw"))
                    .append(";\n");
            s.append("            if (bh < 0 || v > best || (v != v && best == best)) {\n");
            s.append("              bh = ih;\n              bw = iw;\n              best = v;\n            }\n");
            s.append("          }\n        }\n");
            s.append("        if (bh == xh && bw == xw) acc += gy;\n");
        }
        s.append("      }\n    }\n");
        s.append(finish(refs, dx, new String[] {"n", "c", "xh", "xw"}, "acc")).append("  }\n");
        return CudaStagePrinter.gridStride(
                ctx,
                comment(what + ": " + (max ? "max" : "average") + " pooling gradient, one input element per thread"),
                refs,
                s,
                total);
    }

    private static String windowLoops(Pooling g, String in) {
        return in + "for (jv_idx i = 0; i < " + g.kh + "; i++) {\n"
                + in + "  const jv_idx ih = oh * " + g.sh + " - " + g.top + " + i;\n"
                + in + "  if (ih < 0 || ih >= " + g.h + ") continue;\n"
                + in + "  for (jv_idx j = 0; j < " + g.kw + "; j++) {\n"
                + in + "    const jv_idx iw = ow * " + g.sw + " - " + g.left + " + j;\n"
                + in + "    if (iw < 0 || iw >= " + g.w + ") continue;\n";
    }

    private static String at(CudaRefs refs, Place p, String... idx) {
        return refs.pointer(p.ref()) + "[" + index(p, idx) + "]";
    }

    private static String index(Place p, String... idx) {
        StringBuilder s = new StringBuilder(Long.toString(p.base()));
        for (int d = 0; d < idx.length; d++) {
            if (p.strides()[d] != 0) {
                s.append(" + (").append(idx[d]).append(") * ").append(p.strides()[d]);
            }
        }
        return s.toString();
    }

    /** Declares {@code names} from the linear index {@code var} over {@code sizes} (row-major). */
    private static String split(String var, String[] names, long[] sizes) {
        StringBuilder s = new StringBuilder("    jv_idx " + var + "_ = " + var + ";\n");
        for (int d = names.length - 1; d > 0; d--) {
            s.append("    const jv_idx ")
                    .append(names[d])
                    .append(" = ")
                    .append(var)
                    .append("_ % ")
                    .append(sizes[d]);
            s.append(";\n    ").append(var).append("_ /= ").append(sizes[d]).append(";\n");
        }
        s.append("    const jv_idx ").append(names[0]).append(" = ").append(var).append("_;\n");
        return s.toString();
    }

    /** Convolution geometry from NCHW views of x, w (o, c/groups, kh, kw) and y. */
    private record Geometry(
            long n,
            long c,
            long h,
            long w,
            long o,
            long cg,
            long kh,
            long kw,
            long oh,
            long ow,
            long sh,
            long sw,
            long dh,
            long dw,
            long top,
            long left,
            long groupOut) {
        Geometry(Place x, Place f, Place y, Conv2d c) {
            this(
                    x.shape()[0],
                    x.shape()[1],
                    x.shape()[2],
                    x.shape()[3],
                    f.shape()[0],
                    f.shape()[1],
                    f.shape()[2],
                    f.shape()[3],
                    y.shape()[2],
                    y.shape()[3],
                    c.stride().get(0),
                    c.stride().get(1),
                    c.dilation().get(0),
                    c.dilation().get(1),
                    c.padding().get(0),
                    c.padding().get(2),
                    f.shape()[0] / c.groups());
        }
    }

    /** Pooling geometry from NCHW views of x and the pooled tensor (or its gradient). */
    private record Pooling(
            long n, long c, long h, long w, long oh, long ow, long kh, long kw, long sh, long sw, long top, long left) {
        Pooling(Place x, Place y, Pool2d p) {
            this(
                    x.shape()[0],
                    x.shape()[1],
                    x.shape()[2],
                    x.shape()[3],
                    y.shape()[2],
                    y.shape()[3],
                    p.kernel().get(0),
                    p.kernel().get(1),
                    p.stride().get(0),
                    p.stride().get(1),
                    p.padding().get(0),
                    p.padding().get(2));
        }
    }
}
