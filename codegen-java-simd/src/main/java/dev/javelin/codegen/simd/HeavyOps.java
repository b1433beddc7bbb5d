package dev.javelin.codegen.simd;

import dev.javelin.codegen.loops.KernelBuilder;
import dev.javelin.codegen.loops.Val;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.ImageOp;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.Pool2dBackprop;
import dev.javelin.ir.op.PoolKind;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.type.DType;
import dev.javelin.runtime.cpu.Gemm;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * The heavy nodes of a kernel, each one stage: matrix products through the runtime's packed GEMM
 * ({@code Gemm}), convolutions and pooling through the runtime's window loops ({@code Windows}),
 * which take any strides, so NHWC is NCHW with permuted strides; gather, scatter-add and arg-max as
 * generated loops that check every index.
 */
final class HeavyOps {
    private final ProgramContext ctx;
    private final KernelBuilder kb;

    HeavyOps(ProgramContext ctx, KernelBuilder kb) {
        this.ctx = ctx;
        this.kb = kb;
    }

    Place emit(Node n, Place out) {
        String what = "%" + n.name() + " = " + n.op().mnemonic();
        return switch (n.op()) {
            case MatMul mm -> matmul(n, mm, out, what);
            case Conv2d c -> conv(what, "conv2d", c, kb.operand(n, 0), kb.operand(n, 1), out, out, c, c.layout());
            case Conv2dBackpropInput c ->
                conv(
                        what,
                        "conv2dBackpropInput",
                        c,
                        out,
                        kb.operand(n, 1),
                        kb.operand(n, 0),
                        out,
                        c.forward(),
                        c.layout());
            case Conv2dBackpropFilter c ->
                conv(
                        what,
                        "conv2dBackpropFilter",
                        c,
                        kb.operand(n, 0),
                        out,
                        kb.operand(n, 1),
                        out,
                        c.forward(),
                        c.layout());
            case Pool2d p ->
                pool(
                        what,
                        "pool2d",
                        p.kind(),
                        p.kernel(),
                        p.stride(),
                        p.padding(),
                        p.layout(),
                        kb.operand(n, 0),
                        out,
                        out);
            case Pool2dBackprop p ->
                pool(
                        what,
                        "pool2dBackprop",
                        p.kind(),
                        p.kernel(),
                        p.stride(),
                        p.padding(),
                        p.layout(),
                        kb.operand(n, 0),
                        kb.operand(n, 1),
                        out);
            case Gather g -> gather(n, g, out, what);
            case ScatterAdd s -> scatter(n, s, out, what);
            case ArgMax a -> argmax(n, a, out, what);
            default -> throw new UnsupportedKernelException("the CPU backend has no code for " + n.op().mnemonic());
        };
    }

    static String array(Place p) {
        return p.ref().array();
    }

    private Place matmul(Node n, MatMul mm, Place out, String what) {
        Place a = kb.operand(n, 0);
        Place b = kb.operand(n, 1);
        requireF32(a, b, out);
        int r = out.shape().length;
        long m = out.shape()[r - 2];
        long cols = out.shape()[r - 1];
        int ar = a.shape().length;
        long k = mm.transposeA() ? a.shape()[ar - 2] : a.shape()[ar - 1];
        long aRow = mm.transposeA() ? a.strides()[ar - 1] : a.strides()[ar - 2];
        long aCol = mm.transposeA() ? a.strides()[ar - 2] : a.strides()[ar - 1];
        int br = b.shape().length;
        long bRow = mm.transposeB() ? b.strides()[br - 1] : b.strides()[br - 2];
        long bCol = mm.transposeB() ? b.strides()[br - 2] : b.strides()[br - 1];
        StringBuilder s = new StringBuilder();
        int batch = foldedBatch(a, b, out, aRow);
        for (int d = batch; d < r - 2; d++) {
            m *= out.shape()[d];
        }
        if (batch > 0 && Gemm.batchable(m, cols, k)) {
            // Many small products (attention's per-head ones): one pool call for all of them.
            long[] head = {
                m, cols, k, a.base(), aRow, aCol, b.base(), bRow, bCol, out.base(), out.strides()[r - 2], batch
            };
            long[] axes = new long[4 * batch];
            for (int d = 0; d < batch; d++) {
                axes[4 * d] = out.shape()[d];
                axes[4 * d + 1] = batchStride(a, d, r);
                axes[4 * d + 2] = batchStride(b, d, r);
                axes[4 * d + 3] = out.strides()[d];
            }
            String g = ctx.table(concat(head, axes));
            kb.add(new JavaCode(
                    what, String.format("gemm.batched(%s, %s, %s, %s);\n", g, array(a), array(b), array(out))));
            return out;
        }
        String ia = Long.toString(a.base());
        String ib = Long.toString(b.base());
        String ic = Long.toString(out.base());
        for (int d = 0; d < batch; d++) {
            s.append("  ".repeat(d)).append(LoopPrinter.loopHead(d, "0", Long.toString(out.shape()[d])));
            ia += batchTerm(a, d, r);
            ib += batchTerm(b, d, r);
            ic += " + " + out.strides()[d] + " * v" + d;
        }
        s.append("  ".repeat(batch))
                .append(String.format(
                        "gemm.multiply(%d, %d, %d, %s, %s, %d, %d, %s, %s, %d, %d, %s, %s, %d, Gemm.NONE);\n",
                        m,
                        cols,
                        k,
                        array(a),
                        ia,
                        aRow,
                        aCol,
                        array(b),
                        ib,
                        bRow,
                        bCol,
                        array(out),
                        ic,
                        out.strides()[r - 2]));
        for (int d = batch - 1; d >= 0; d--) {
            s.append("  ".repeat(d)).append("}\n");
        }
        kb.add(new JavaCode(what, s.toString()));
        return out;
    }

    /**
     * How many leading batch axes stay loops: the trailing ones over which B does not vary, and over
     * which the rows of A and of the result continue at the same stride, fold into the row count, so
     * a linear layer on {@code [batch, seq, in]} is one product of {@code batch * seq} rows instead
     * of {@code batch} products of {@code seq} rows (each a call, a split across threads and a
     * packing of B).
     */
    private static int foldedBatch(Place a, Place b, Place out, long aRow) {
        int r = out.shape().length;
        long rows = out.shape()[r - 2];
        long ldc = out.strides()[r - 2];
        int fold = r - 2;
        while (fold > 0) {
            int d = fold - 1;
            long size = out.shape()[d];
            int pa = d - (r - a.shape().length);
            boolean bFixed = batchTerm(b, d, r).isEmpty();
            boolean aRuns = pa >= 0 && a.shape()[pa] == size && a.strides()[pa] == aRow * rows;
            boolean cRuns = out.strides()[d] == ldc * rows;
            if (!bFixed || (size != 1 && !(aRuns && cRuns))) {
                break;
            }
            rows *= size;
            fold--;
        }
        return fold;
    }

    /** The offset term of batch axis {@code d} of the result for an operand broadcast over it. */
    private static String batchTerm(Place p, int d, int outRank) {
        long stride = batchStride(p, d, outRank);
        return stride == 0 ? "" : " + " + stride + " * v" + d;
    }

    /** The stride of an operand along batch axis {@code d} of the result: 0 where it is broadcast. */
    private static long batchStride(Place p, int d, int outRank) {
        int pd = d - (outRank - p.shape().length);
        return pd < 0 || p.shape()[pd] == 1 ? 0 : p.strides()[pd];
    }

    private static void requireF32(Place... ps) {
        for (Place p : ps) {
            if (p.ref().dtype() != DType.F32) {
                throw new UnsupportedKernelException("only f32 contractions are supported by the CPU backend, found "
                        + p.ref().dtype().text());
            }
        }
    }

    /** NCHW view of a 4-D operand of an op in {@code layout}. */
    private static Place nchw(Place p, Layout layout) {
        return layout == Layout.NHWC ? p.permute(new int[] {0, 3, 1, 2}) : p;
    }

    private Place conv(
            String what, String fn, ImageOp op, Place x, Place w, Place y, Place out, Conv2d fw, Layout layout) {
        requireF32(x, w, y);
        Place xs = nchw(x, layout);
        Place ws = nchw(w, layout);
        Place ys = nchw(y, layout);
        long groupOut = ws.shape()[0] / fw.groups();
        String g = ctx.table(concat(
                new long[] {
                    xs.shape()[0],
                    xs.shape()[1],
                    xs.shape()[2],
                    xs.shape()[3],
                    ws.shape()[0],
                    ws.shape()[1],
                    ws.shape()[2],
                    ws.shape()[3],
                    ys.shape()[2],
                    ys.shape()[3],
                    fw.stride().get(0),
                    fw.stride().get(1),
                    fw.dilation().get(0),
                    fw.dilation().get(1),
                    fw.padding().get(0),
                    fw.padding().get(2),
                    groupOut
                },
                geometry(xs),
                geometry(ws),
                geometry(ys)));
        kb.add(new JavaCode(what, String.format("conv.%s(%s, %s, %s, %s);\n", fn, array(xs), array(ws), array(ys), g)));
        return out;
    }

    private Place pool(
            String what,
            String fn,
            PoolKind kind,
            List<Long> kernel,
            List<Long> stride,
            List<Long> padding,
            Layout layout,
            Place x,
            Place y,
            Place out) {
        requireF32(x, y, out);
        Place xs = nchw(x, layout);
        Place ys = nchw(y, layout);
        Place os = nchw(out, layout);
        long[] outShape = fn.equals("pool2d") ? os.shape() : ys.shape();
        String g = ctx.table(concat(
                new long[] {
                    xs.shape()[0],
                    xs.shape()[1],
                    xs.shape()[2],
                    xs.shape()[3],
                    outShape[2],
                    outShape[3],
                    kernel.get(0),
                    kernel.get(1),
                    stride.get(0),
                    stride.get(1),
                    padding.get(0),
                    padding.get(2),
                    kind == PoolKind.MAX ? 1 : 0
                },
                geometry(xs),
                geometry(ys),
                geometry(os)));
        kb.add(new JavaCode(what, String.format("win.%s(%s, %s, %s, %s);\n", fn, array(xs), array(ys), array(os), g)));
        return out;
    }

    private static long[] geometry(Place p) {
        return new long[] {p.base(), p.strides()[0], p.strides()[1], p.strides()[2], p.strides()[3]};
    }

    private static long[] concat(long[]... parts) {
        int n = 0;
        for (long[] p : parts) {
            n += p.length;
        }
        long[] out = new long[n];
        int i = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, out, i, p.length);
            i += p.length;
        }
        return out;
    }

    private static long prod(long[] s, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= s[i];
        }
        return p;
    }

    private Place gather(Node n, Gather g, Place out, String what) {
        Place table = kb.dense(n, 0);
        indexedLoops(
                n,
                what,
                kb.dense(n, 1),
                table.shape(),
                g.axis(),
                (row, item) -> Refs.store(
                        out.ref(), out.base() + " + " + item, Refs.load(table.ref(), table.base() + " + " + row)));
        return out;
    }

    private Place scatter(Node n, ScatterAdd sa, Place out, String what) {
        Place base = kb.dense(n, 0);
        Place upd = kb.dense(n, 2);
        kb.storeAll(out, new Val.Placed(base));
        indexedLoops(n, what, kb.dense(n, 1), base.shape(), sa.axis(), (row, item) -> {
            String to = out.base() + " + " + row;
            String from = upd.base() + " + " + item;
            String sum = out.ref().dtype().isBool()
                    ? "(" + Refs.load(out.ref(), to) + " || " + Refs.load(upd.ref(), from) + ")"
                    : "(" + JavaTypes.type(out.ref().dtype()) + ") (" + Refs.load(out.ref(), to) + " + "
                            + Refs.load(upd.ref(), from) + ")";
            return Refs.store(out.ref(), to, sum);
        });
        return out;
    }

    /**
     * The loops of gather and scatter-add, in NumPy's {@code take} layout: the indexed tensor viewed
     * as {@code [outer, size, inner]} around {@code axis}, the listed one as {@code [outer, count,
     * inner]}. Every index is checked first (an error names the node); then for each {@code (o, j)}
     * with row {@code k = idx[j]}, {@code body} gets the offsets of {@code (o, k, i)} and {@code (o,
     * j, i)} and returns the statement for element {@code i}.
     */
    private void indexedLoops(Node n, String what, Place idx, long[] indexed, int axis, BinaryOperator<String> body) {
        long outer = prod(indexed, 0, axis);
        long size = indexed[axis];
        long inner = prod(indexed, axis + 1, indexed.length);
        long count = idx.numel();
        String index = Refs.load(idx.ref(), idx.base() + " + j");
        String node = "%" + n.name() + " = " + n.op().mnemonic();
        String statement =
                body.apply("(o * " + size + " + k) * " + inner + " + i", "(o * " + count + " + j) * " + inner + " + i");
        String s = String.format(
                        "for (int j = 0; j < %d; j++) {\n  long k = %s;\n  if (k < 0 || k >= %d) {\n"
                                + "    throw CpuErrors.indexOutOfRange(\"%s\", k, j, %d);\n  }\n}\n",
                        count, index, size, node, size)
                + String.format(
                        "for (int o = 0; o < %d; o++) {\n  for (int j = 0; j < %d; j++) {\n"
                                + "    int k = (int) %s;\n    for (int i = 0; i < %d; i++) {\n      %s\n    }\n  }\n}\n",
                        outer, count, index, inner, statement);
        kb.add(new JavaCode(what, s));
    }

    private Place argmax(Node n, ArgMax am, Place out, String what) {
        Place x = kb.dense(n, 0);
        long[] xs = x.shape();
        long outer = prod(xs, 0, am.axis());
        long len = xs[am.axis()];
        long inner = prod(xs, am.axis() + 1, xs.length);
        String t = JavaTypes.type(x.ref().dtype());
        String at = x.base() + " + (o * " + len + " + q) * " + inner + " + i";
        String better = x.ref().dtype().isFloat() ? "v > bv || (v != v && bv == bv)" : "v > bv";
        String s = String.format(
                "for (int o = 0; o < %d; o++) {\n  for (int i = 0; i < %d; i++) {\n    int best = 0;\n"
                        + "    %s bv = %s;\n    for (int q = 1; q < %d; q++) {\n      %s v = %s;\n"
                        + "      if (%s) {\n        best = q;\n        bv = v;\n      }\n    }\n    %s\n  }\n}\n",
                outer,
                inner,
                t,
                Refs.load(x.ref(), x.base() + " + o * " + len * inner + " + i"),
                len,
                t,
                Refs.load(x.ref(), at),
                better,
                Refs.store(
                        out.ref(),
                        out.base() + " + o * " + inner + " + i",
                        out.ref().dtype() == DType.I64 ? "(long) best" : "best"));
        kb.add(new JavaCode(what, s));
        return out;
    }
}
