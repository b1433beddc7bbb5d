package dev.javelin.ir.op;

import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * The gradient of {@link Conv2d} with respect to its input: {@code conv2d_backprop_input(grad_out,
 * weight)} with the forward convolution's attributes and the forward input's shape {@code
 * inputShape} ({@code [N, C, H, W]}; N may be symbolic). It scatters each output gradient back over
 * the input positions its window read: {@code dx[n, g*Cg + c, oh*sh - top + kh*dh, ow*sw - left +
 * kw*dw] += dy[n, o, oh, ow] * w[o, c, kh, kw]}, positions in the padding dropped. The input shape
 * is an attribute because strides can leave trailing rows unread, so it does not follow from the
 * other shapes. Its own gradient (second order) is not supported.
 */
public record Conv2dBackpropInput(
        List<Long> stride, List<Long> padding, List<Long> dilation, long groups, Shape inputShape, Layout layout)
        implements Op, ImageOp {
    /** The forward convolution's attributes first, then the input shape. */
    public static final OpSchema<Conv2dBackpropInput> SCHEMA = OpSchema.of(
                    Conv2dBackpropInput.class, "conv2d_backprop_input")
            .attributesOf(Conv2d.SCHEMA, Conv2dBackpropInput::forward)
            .attr("input_shape", OpSchema.Kind.SHAPE, Conv2dBackpropInput::inputShape)
            .make(a -> new Conv2dBackpropInput(
                    a.longs("stride"),
                    a.longs("padding"),
                    a.longs("dilation"),
                    a.longValue("groups"),
                    a.shape("input_shape"),
                    a.layout("layout")));

    public Conv2dBackpropInput {
        stride = List.copyOf(stride);
        padding = List.copyOf(padding);
        dilation = List.copyOf(dilation);
        layout = layout == null ? Layout.NCHW : layout;
        if (inputShape == null) {
            throw new IllegalArgumentException("conv2d_backprop_input needs the forward input shape");
        }
    }

    /** The gradient of an NCHW convolution. */
    public Conv2dBackpropInput(
            List<Long> stride, List<Long> padding, List<Long> dilation, long groups, Shape inputShape) {
        this(stride, padding, dilation, groups, inputShape, Layout.NCHW);
    }

    /** The forward convolution whose gradient this is (same layout). */
    public Conv2d forward() {
        return new Conv2d(stride, padding, dilation, groups, layout);
    }

    @Override
    public Conv2dBackpropInput inLayout(Layout to) {
        return new Conv2dBackpropInput(stride, padding, dilation, groups, to.fromNchw(layout.toNchw(inputShape)), to);
    }

    @Override
    public String mnemonic() {
        return "conv2d_backprop_input";
    }

    /** Typed through the forward rule: grad_out must be what conv2d(input_shape, weight) gives. */
    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 2);
        Checks.sameDtype(in);
        TensorType dy = in.get(0);
        TensorType w = in.get(1);
        Checks.floating(dy, mnemonic());
        if (inputShape.rank() != 4) {
            throw new OpTypeError(mnemonic() + " input_shape must be "
                    + (layout == Layout.NCHW ? "[N,C,H,W]" : "[N,H,W,C]") + ", found " + inputShape);
        }
        TensorType x = dy.withShape(inputShape);
        Checks.gradientOf(this, forward(), List.of(x, w), dy);
        return x;
    }
}
