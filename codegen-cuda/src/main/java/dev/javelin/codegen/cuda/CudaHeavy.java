package dev.javelin.codegen.cuda;

import dev.javelin.codegen.loops.KernelBuilder;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.Pool2dBackprop;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.type.DType;
import java.util.List;

/**
 * The heavy nodes of a kernel as CUDA templates, each one function: matrix products through the
 * tiled GEMM ({@link GemmTemplate}); convolutions, their gradients and pooling as window loops
 * over strided NCHW views (an NHWC tensor is an NCHW view with permuted strides); gather,
 * scatter-add and arg-max as index loops. Scatter-add gathers per destination element in index
 * order instead of adding atomically, so results are deterministic. Bad indices are reported
 * through the program's status word, never read or written.
 */
final class CudaHeavy {
    private final CudaContext ctx;
    private final KernelBuilder kb;

    CudaHeavy(CudaContext ctx, KernelBuilder kb) {
        this.ctx = ctx;
        this.kb = kb;
    }

    Place emit(Node n, Place out) {
        String what = "%" + n.name() + " = " + n.op().mnemonic();
        return switch (n.op()) {
            case MatMul mm -> {
                Place a = kb.operand(n, 0);
                Place b = kb.operand(n, 1);
                requireF32(what, a, b, out);
                kb.add(new CudaGemm(what, a, b, out, mm));
                yield out;
            }
            case Conv2d c -> {
                Place x = nchw(kb.operand(n, 0), c.layout());
                Place w = nchw(kb.operand(n, 1), c.layout());
                yield window(what, out, c.layout(), List.of(x, w), t -> t.conv(what, x, w, nchw(out, c.layout()), c));
            }
            case Conv2dBackpropInput c -> {
                Place dy = nchw(kb.operand(n, 0), c.layout());
                Place w = nchw(kb.operand(n, 1), c.layout());
                yield window(
                        what,
                        out,
                        c.layout(),
                        List.of(dy, w),
                        t -> t.convInput(what, nchw(out, c.layout()), w, dy, c.forward()));
            }
            case Conv2dBackpropFilter c ->
                add(
                        new WindowTemplates(ctx)
                                .convFilter(
                                        what,
                                        nchw(kb.operand(n, 0), c.layout()),
                                        nchw(out, c.layout()),
                                        nchw(kb.operand(n, 1), c.layout()),
                                        c.forward()),
                        out);
            case Pool2d p -> {
                Place x = nchw(kb.operand(n, 0), p.layout());
                yield window(what, out, p.layout(), List.of(x), t -> t.pool(what, x, nchw(out, p.layout()), p));
            }
            case Pool2dBackprop p -> {
                Place x = nchw(kb.operand(n, 0), p.layout());
                Place dy = nchw(kb.operand(n, 1), p.layout());
                yield window(
                        what,
                        out,
                        p.layout(),
                        List.of(x, dy),
                        t -> t.poolGrad(what, x, dy, nchw(out, p.layout()), p.forward()));
            }
            case Gather g -> gather(n, g, out, what);
            case ScatterAdd s -> scatter(n, s, out, what);
            case ArgMax a -> add(IndexTemplates.argmax(ctx, what, kb.dense(n, 0), out, a.axis()), out);
            default -> throw new UnsupportedKernelException("the CUDA backend has no code for " + n.op().mnemonic());
        };
    }

    /**
     * A window template that gives each thread one element of {@code out} (in {@code layout}),
     * rendered once the launches are grouped, perhaps with an epilogue.
     */
    private Place window(
            String what,
            Place out,
            Layout layout,
            List<Place> reads,
            java.util.function.Function<WindowTemplates, CudaFunction> f) {
        int[] nodeAxis = layout == Layout.NHWC ? new int[] {0, 3, 1, 2} : new int[] {0, 1, 2, 3};
        kb.add(new CudaWindow(what, out, reads, e -> f.apply(new WindowTemplates(ctx, out, nodeAxis, e))));
        return out;
    }

    private Place add(CudaFunction f, Place out) {
        kb.add(f);
        return out;
    }

    private Place gather(Node n, Gather g, Place out, String what) {
        Place table = kb.dense(n, 0);
        Place idx = kb.dense(n, 1);
        int check = ctx.check("%" + n.name() + " = gather: an index out of range");
        kb.add(IndexTemplates.gather(ctx, what, table, idx, out, g.axis(), check));
        return out;
    }

    private Place scatter(Node n, ScatterAdd s, Place out, String what) {
        Place base = kb.dense(n, 0);
        Place idx = kb.dense(n, 1);
        Place upd = kb.dense(n, 2);
        int check = ctx.check("%" + n.name() + " = scatter_add: an index out of range");
        kb.add(IndexTemplates.checkIndices(ctx, what, idx, base.shape()[s.axis()], check));
        kb.add(IndexTemplates.scatterAdd(ctx, what, base, idx, upd, out, s.axis()));
        return out;
    }

    /** NCHW view of a 4-D operand of an op in {@code layout}. */
    private static Place nchw(Place p, Layout layout) {
        return layout == Layout.NHWC ? p.permute(new int[] {0, 3, 1, 2}) : p;
    }

    static void requireF32(String what, Place... ps) {
        for (Place p : ps) {
            if (p.ref().dtype() != DType.F32) {
                throw new UnsupportedKernelException(what + ": only f32 is supported by the CUDA backend here, found "
                        + p.ref().dtype().text());
            }
        }
    }
}
