package dev.javelin.ir.op;

import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.Arrays;
import java.util.List;

/**
 * Max or average pooling over (h, w) windows of an NCHW tensor. {@code kernel} and {@code stride}
 * are (h, w); {@code padding} is (top, bottom, left, right). With {@code layout} NHWC the tensor is
 * {@code [N, H, W, C]} ({@link ImageOp}).
 */
public record Pool2d(PoolKind kind, List<Long> kernel, List<Long> stride, List<Long> padding, Layout layout)
        implements Op, ImageOp {
    /** One mnemonic per kind: {@code max_pool2d}, {@code avg_pool2d}. */
    public static final OpSchema<Pool2d> SCHEMA = OpSchema.family(
                    Pool2d.class,
                    Arrays.stream(PoolKind.values()).map(PoolKind::mnemonic).toList())
            .attr("kernel", OpSchema.Kind.LONGS, Pool2d::kernel)
            .attr("stride", OpSchema.Kind.LONGS, Pool2d::stride)
            .attr("padding", OpSchema.Kind.LONGS, Pool2d::padding)
            .optional("layout", OpSchema.Kind.LAYOUT, Pool2d::layout, Layout.NCHW)
            .make(a -> new Pool2d(
                    Arrays.stream(PoolKind.values())
                            .filter(k -> k.mnemonic().equals(a.mnemonic()))
                            .findFirst()
                            .orElseThrow(),
                    a.longs("kernel"),
                    a.longs("stride"),
                    a.longs("padding"),
                    a.layout("layout")));

    public Pool2d {
        if (kind == null) {
            throw new IllegalArgumentException("pooling needs a kind");
        }
        kernel = List.copyOf(kernel);
        stride = List.copyOf(stride);
        padding = List.copyOf(padding);
        layout = layout == null ? Layout.NCHW : layout;
    }

    /** NCHW pooling. */
    public Pool2d(PoolKind kind, List<Long> kernel, List<Long> stride, List<Long> padding) {
        this(kind, kernel, stride, padding, Layout.NCHW);
    }

    @Override
    public Pool2d inLayout(Layout to) {
        return new Pool2d(kind, kernel, stride, padding, to);
    }

    @Override
    public String mnemonic() {
        return kind.mnemonic();
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        if (layout == Layout.NHWC) {
            return ImageOp.inferThroughNchw(this, in);
        }
        Checks.arity(this, in, 1);
        TensorType x = in.get(0);
        String op = mnemonic();
        Checks.floating(x, op);
        Checks.staticRank(x, 4, op + " input [N,C,H,W]");
        Window.sizes(kernel, 2, op + " kernel (h, w)");
        Window.sizes(stride, 2, op + " stride (h, w)");
        Window.sizes(padding, 4, op + " padding (top, bottom, left, right)");
        Checks.positive(kernel, op + " kernel");
        Checks.positive(stride, op + " stride");
        Checks.nonNegative(padding, op + " padding");
        if (padding.get(0) >= kernel.get(0)
                || padding.get(1) >= kernel.get(0)
                || padding.get(2) >= kernel.get(1)
                || padding.get(3) >= kernel.get(1)) {
            throw new OpTypeError(op + " padding " + padding + " must be smaller than the kernel " + kernel
                    + " so every window sees the input");
        }
        long oh = Window.outSize(
                op, "height", x.shape().dim(2), kernel.get(0), stride.get(0), 1, padding.get(0), padding.get(1));
        long ow = Window.outSize(
                op, "width", x.shape().dim(3), kernel.get(1), stride.get(1), 1, padding.get(2), padding.get(3));
        return x.withShape(new Shape(List.of(x.shape().dim(0), x.shape().dim(1), Dim.of(oh), Dim.of(ow))));
    }
}
