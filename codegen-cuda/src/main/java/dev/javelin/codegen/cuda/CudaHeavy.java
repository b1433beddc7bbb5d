package dev.javelin.codegen.cuda;

import dev.javelin.codegen.loops.KernelBuilder;
import dev.javelin.codegen.loops.Place;
import dev.javelin.codegen.loops.UnsupportedKernelException;
import dev.javelin.ir.graph.Node;
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
            case Conv2d c ->
                add(
                        new WindowTemplates(ctx)
                                .conv(
                                        what,
                                        nchw(kb.operand(n, 0), c.layout()),
                                        nchw(kb.operand(n, 1), c.layout()),
                                        nchw(out, c.layout()),
                                        c),
                        out);
            case Conv2dBackpropInput c ->
                add(
                        new WindowTemplates(ctx)
                                .convInput(
                                        what,
                                        nchw(out, c.layout()),
                                        nchw(kb.operand(n, 1), c.layout()),
                                        nchw(kb.operand(n, 0), c.layout()),
                                        c.forward()),
                        out);
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
            case Pool2d p ->
                add(
                        new WindowTemplates(ctx)
                                .pool(what, nchw(kb.operand(n, 0), p.layout()), nchw(out, p.layout()), p),
                        out);
            case Pool2dBackprop p ->
                add(
                        new WindowTemplates(ctx)
                                .poolGrad(
                                        what,
                                        nchw(kb.operand(n, 0), p.layout()),
                                        nchw(kb.operand(n, 1), p.layout()),
                                        nchw(out, p.layout()),
                                        p.forward()),
                        out);
            case Gather g -> gather(n, g, out, what);
            case ScatterAdd s -> scatter(n, s, out, what);
            case ArgMax a -> add(IndexTemplates.argmax(ctx, what, kb.dense(n, 0), out, a.axis()), out);
            default -> throw new UnsupportedKernelException("the CUDA backend has no code for " + n.op().mnemonic());
        };
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
