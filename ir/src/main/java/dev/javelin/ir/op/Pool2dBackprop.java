package dev.javelin.ir.op;

import dev.javelin.ir.type.TensorType;
import java.util.Arrays;
import java.util.List;

/**
 * The gradient of {@link Pool2d} with respect to its input: {@code max_pool2d_backprop(input,
 * grad_out)} or {@code avg_pool2d_backprop(input, grad_out)}, with the forward pooling's attributes;
 * the result has the input's type. Max: each window's output gradient goes to the first position
 * (in row-major window order) holding the window's maximum, as PyTorch does; a NaN counts as the
 * maximum; padding positions receive nothing. Average: each window's output gradient is spread over
 * the window divided by kh*kw (padding counted, as in the forward op), the share of padding
 * positions dropped. Its own gradient (second order) is not supported.
 */
public record Pool2dBackprop(PoolKind kind, List<Long> kernel, List<Long> stride, List<Long> padding, Layout layout)
        implements Op, ImageOp {
    /** One mnemonic per kind ({@code max_pool2d_backprop}, ...); the forward pooling's attributes. */
    public static final OpSchema<Pool2dBackprop> SCHEMA = OpSchema.family(
                    Pool2dBackprop.class,
                    Arrays.stream(PoolKind.values())
                            .map(PoolKind::backpropMnemonic)
                            .toList())
            .attributesOf(Pool2d.SCHEMA, Pool2dBackprop::forward)
            .make(a -> new Pool2dBackprop(
                    Arrays.stream(PoolKind.values())
                            .filter(k -> k.backpropMnemonic().equals(a.mnemonic()))
                            .findFirst()
                            .orElseThrow(),
                    a.longs("kernel"),
                    a.longs("stride"),
                    a.longs("padding"),
                    a.layout("layout")));

    public Pool2dBackprop {
        if (kind == null) {
            throw new IllegalArgumentException("pooling gradient needs a kind");
        }
        kernel = List.copyOf(kernel);
        stride = List.copyOf(stride);
        padding = List.copyOf(padding);
        layout = layout == null ? Layout.NCHW : layout;
    }

    /** The gradient of NCHW pooling. */
    public Pool2dBackprop(PoolKind kind, List<Long> kernel, List<Long> stride, List<Long> padding) {
        this(kind, kernel, stride, padding, Layout.NCHW);
    }

    /** The forward pooling whose gradient this is (same layout). */
    public Pool2d forward() {
        return new Pool2d(kind, kernel, stride, padding, layout);
    }

    @Override
    public Pool2dBackprop inLayout(Layout to) {
        return new Pool2dBackprop(kind, kernel, stride, padding, to);
    }

    @Override
    public String mnemonic() {
        return kind.backpropMnemonic();
    }

    /** Typed through the forward rule: grad_out must be what the pooling of input gives. */
    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 2);
        TensorType x = in.get(0);
        TensorType dy = in.get(1);
        Checks.gradientOf(this, forward(), List.of(x), dy);
        return x;
    }
}
