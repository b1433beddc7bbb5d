package dev.javelin.ir.op;

import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * 2-D convolution (cross-correlation, as in every DL framework) in the graph's canonical NCHW
 * layout: input {@code [N, C, H, W]}, weight {@code [O, C/groups, KH, KW]}, result {@code [N, O, OH,
 * OW]}. {@code stride} and {@code dilation} are (h, w); {@code padding} is (top, bottom, left, right),
 * filled with zeros. With {@code layout} NHWC: input {@code [N, H, W, C]}, weight {@code [O, KH, KW,
 * C/groups]}, result {@code [N, OH, OW, O]} ({@link ImageOp}).
 */
public record Conv2d(List<Long> stride, List<Long> padding, List<Long> dilation, long groups, Layout layout)
        implements Op, ImageOp {
    /** NCHW, the default layout, is not printed, so graphs without NHWC ops read as before. */
    public static final OpSchema<Conv2d> SCHEMA = OpSchema.of(Conv2d.class, "conv2d")
            .attr("stride", OpSchema.Kind.LONGS, Conv2d::stride)
            .attr("padding", OpSchema.Kind.LONGS, Conv2d::padding)
            .attr("dilation", OpSchema.Kind.LONGS, Conv2d::dilation)
            .attr("groups", OpSchema.Kind.LONG, Conv2d::groups)
            .optional("layout", OpSchema.Kind.LAYOUT, Conv2d::layout, Layout.NCHW)
            .make(a -> new Conv2d(
                    a.longs("stride"),
                    a.longs("padding"),
                    a.longs("dilation"),
                    a.longValue("groups"),
                    a.layout("layout")));

    public Conv2d {
        stride = List.copyOf(stride);
        padding = List.copyOf(padding);
        dilation = List.copyOf(dilation);
        layout = layout == null ? Layout.NCHW : layout;
    }

    /** An NCHW convolution. */
    public Conv2d(List<Long> stride, List<Long> padding, List<Long> dilation, long groups) {
        this(stride, padding, dilation, groups, Layout.NCHW);
    }

    @Override
    public Conv2d inLayout(Layout to) {
        return new Conv2d(stride, padding, dilation, groups, to);
    }

    @Override
    public String mnemonic() {
        return "conv2d";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        if (layout == Layout.NHWC) {
            return ImageOp.inferThroughNchw(this, in);
        }
        Checks.arity(this, in, 2);
        Checks.sameDtype(in);
        TensorType x = in.get(0);
        TensorType w = in.get(1);
        Checks.floating(x, "conv2d");
        Checks.staticRank(x, 4, "conv2d input [N,C,H,W]");
        Checks.staticRank(w, 4, "conv2d weight [O,C/groups,KH,KW]");
        Window.sizes(stride, 2, "conv2d stride (h, w)");
        Window.sizes(dilation, 2, "conv2d dilation (h, w)");
        Window.sizes(padding, 4, "conv2d padding (top, bottom, left, right)");
        Checks.positive(stride, "conv2d stride");
        Checks.positive(dilation, "conv2d dilation");
        Checks.nonNegative(padding, "conv2d padding");
        if (!w.shape().isStatic()) {
            throw new OpTypeError("conv2d weight must have a static shape, found " + w);
        }
        long[] ws = w.shape().sizes();
        Dim c = x.shape().dim(1);
        if (groups < 1 || !c.isStatic() || c.size() % groups != 0 || ws[0] % groups != 0) {
            throw new OpTypeError("conv2d groups=" + groups + " must divide the input channels " + c
                    + " and the output channels " + ws[0]);
        }
        if (c.size() / groups != ws[1]) {
            throw new OpTypeError("conv2d weight expects " + ws[1] + " input channels per group, input " + x + " has "
                    + c.size() / groups + " (groups=" + groups + ")");
        }
        long oh = Window.outSize(
                "conv2d",
                "height",
                x.shape().dim(2),
                ws[2],
                stride.get(0),
                dilation.get(0),
                padding.get(0),
                padding.get(1));
        long ow = Window.outSize(
                "conv2d",
                "width",
                x.shape().dim(3),
                ws[3],
                stride.get(1),
                dilation.get(1),
                padding.get(2),
                padding.get(3));
        return x.withShape(new Shape(List.of(x.shape().dim(0), Dim.of(ws[0]), Dim.of(oh), Dim.of(ow))));
    }
}
