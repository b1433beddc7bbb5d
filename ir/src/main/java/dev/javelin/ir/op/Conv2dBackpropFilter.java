package dev.javelin.ir.op;

import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * The gradient of {@link Conv2d} with respect to its weight: {@code conv2d_backprop_filter(input,
 * grad_out)} with the forward convolution's attributes and the weight's static shape {@code
 * filterShape} ({@code [O, C/groups, KH, KW]}). Each weight tap sums, over the batch and the output
 * positions, the input element it multiplied times the output gradient: {@code dw[o, c, kh, kw] +=
 * x[n, g*Cg + c, oh*sh - top + kh*dh, ow*sw - left + kw*dw] * dy[n, o, oh, ow]}, padding
 * contributing nothing. Its own gradient (second order) is not supported.
 */
public record Conv2dBackpropFilter(
        List<Long> stride, List<Long> padding, List<Long> dilation, long groups, Shape filterShape, Layout layout)
        implements Op, ImageOp {
    /** The forward convolution's attributes first, then the filter shape. */
    public static final OpSchema<Conv2dBackpropFilter> SCHEMA = OpSchema.of(
                    Conv2dBackpropFilter.class, "conv2d_backprop_filter")
            .attributesOf(Conv2d.SCHEMA, Conv2dBackpropFilter::forward)
            .attr("filter_shape", OpSchema.Kind.SHAPE, Conv2dBackpropFilter::filterShape)
            .make(a -> new Conv2dBackpropFilter(
                    a.longs("stride"),
                    a.longs("padding"),
                    a.longs("dilation"),
                    a.longValue("groups"),
                    a.shape("filter_shape"),
                    a.layout("layout")));

    public Conv2dBackpropFilter {
        stride = List.copyOf(stride);
        padding = List.copyOf(padding);
        dilation = List.copyOf(dilation);
        layout = layout == null ? Layout.NCHW : layout;
        if (filterShape == null) {
            throw new IllegalArgumentException("conv2d_backprop_filter needs the filter shape");
        }
    }

    /** The gradient of an NCHW convolution. */
    public Conv2dBackpropFilter(
            List<Long> stride, List<Long> padding, List<Long> dilation, long groups, Shape filterShape) {
        this(stride, padding, dilation, groups, filterShape, Layout.NCHW);
    }

    /** The forward convolution whose gradient this is (same layout). */
    public Conv2d forward() {
        return new Conv2d(stride, padding, dilation, groups, layout);
    }

    @Override
    public Conv2dBackpropFilter inLayout(Layout to) {
        return new Conv2dBackpropFilter(stride, padding, dilation, groups, to.fromNchw(layout.toNchw(filterShape)), to);
    }

    @Override
    public String mnemonic() {
        return "conv2d_backprop_filter";
    }

    /** Typed through the forward rule: grad_out must be what conv2d(input, filter_shape) gives. */
    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 2);
        Checks.sameDtype(in);
        TensorType x = in.get(0);
        TensorType dy = in.get(1);
        Checks.floating(x, mnemonic());
        if (filterShape.rank() != 4 || !filterShape.isStatic()) {
            throw new OpTypeError(
                    mnemonic() + " filter_shape must be a static [O,C/groups,KH,KW], found " + filterShape);
        }
        TensorType w = x.withShape(filterShape);
        Checks.gradientOf(this, forward(), List.of(x, w), dy);
        return w;
    }
}
