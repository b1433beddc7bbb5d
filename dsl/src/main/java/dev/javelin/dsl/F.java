package dev.javelin.dsl;

import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Distribution;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.PoolKind;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * The composite operations, each decomposed into primitives once, here, in its numerically stable
 * form (the analogue of {@code torch.nn.functional}). Fusion later wins back the speed a fused
 * kernel would have; the graph keeps the obviously correct definition.
 */
public final class F {
    private F() {}

    /**
     * {@code max(x, 0)}, as {@link Tensor#relu()}.
     *
     * @param x the input
     * @return the elementwise ReLU
     */
    public static Tensor relu(Tensor x) {
        return x.relu();
    }

    /**
     * GELU, exact (erf) form: {@code x/2 * (1 + erf(x * sqrt(1/2)))}, multiplying by the constant as
     * PyTorch does rather than dividing by {@code sqrt 2} (a vector division costs several
     * multiplications; the two differ by at most one rounding of the f32 argument).
     *
     * @param x the input
     * @return the elementwise GELU
     */
    public static Tensor gelu(Tensor x) {
        return x.mul(x.mul(Math.sqrt(0.5)).erf().add(1)).mul(0.5);
    }

    /**
     * Softmax along {@code axis}, with the maximum subtracted so exp never overflows. Its gradient is
     * the closed form {@code p * (g - sum(g * p))}, as PyTorch's: differentiating the decomposition
     * would also send a gradient through the maximum (a mask of where it is attained, summed and
     * scaled: zero in exact arithmetic, since softmax does not depend on the shift) and through the
     * division's two operands, about twice the backward work and memory.
     *
     * @param x the input, floating point
     * @param axis the axis to normalize over; negative counts from the end
     * @return probabilities summing to 1 along {@code axis}
     */
    public static Tensor softmax(Tensor x, int axis) {
        return new Softmax(axis).apply(x);
    }

    /**
     * Log-softmax along {@code axis}: {@code x - max - log(sum(exp(x - max)))}, which never
     * overflows. Its gradient is the closed form {@code g - exp(y) * sum(g)} ({@code y} the result),
     * with no gradient through the maximum (see {@link #softmax}).
     *
     * @param x the input, floating point
     * @param axis the axis to normalize over; negative counts from the end
     * @return the log-probabilities
     */
    public static Tensor logSoftmax(Tensor x, int axis) {
        return new LogSoftmax(axis).apply(x);
    }

    private static final class Softmax extends CustomOp {
        private final int axis;

        Softmax(int axis) {
            this.axis = axis;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor e = in[0].sub(in[0].max(true, axis)).exp();
            return e.div(e.sum(true, axis));
        }

        @Override
        protected Tensor[] backward(Tensor[] in, Tensor p, Tensor g) {
            return new Tensor[] {p.mul(g.sub(g.mul(p).sum(true, axis)))};
        }
    }

    private static final class LogSoftmax extends CustomOp {
        private final int axis;

        LogSoftmax(int axis) {
            this.axis = axis;
        }

        @Override
        protected Tensor forward(Tensor... in) {
            Tensor shifted = in[0].sub(in[0].max(true, axis));
            return shifted.sub(shifted.exp().sum(true, axis).log());
        }

        @Override
        protected Tensor[] backward(Tensor[] in, Tensor y, Tensor g) {
            return new Tensor[] {g.sub(y.exp().mul(g.sum(true, axis)))};
        }
    }

    /**
     * {@code x @ w + b} with {@code w} as {@code [in, out]}; {@code b} may be null.
     *
     * @param x the input, {@code [.., in]}
     * @param w the weight, {@code [in, out]}
     * @param b the bias, {@code [out]}, or null for none
     * @return {@code [.., out]}
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor b) {
        Tensor y = x.matmul(w);
        return b == null ? y : y.add(b);
    }

    /**
     * Layer normalization over the last {@code dims} axes, then {@code * gamma + beta} (either may be null).
     *
     * @param x the input
     * @param dims how many trailing axes to normalize over
     * @param gamma the scale, shaped like the normalized axes, or null
     * @param beta the shift, shaped like the normalized axes, or null
     * @param eps added to the variance before the square root
     * @return the normalized tensor, of x's shape
     */
    public static Tensor layerNorm(Tensor x, int dims, Tensor gamma, Tensor beta, double eps) {
        int[] axes = new int[dims];
        for (int i = 0; i < dims; i++) {
            axes[i] = x.rank() - dims + i;
        }
        Tensor centered = x.sub(x.mean(true, axes));
        Tensor var = centered.mul(centered).mean(true, axes);
        Tensor y = centered.mul(var.add(eps).rsqrt());
        if (gamma != null) {
            y = y.mul(gamma);
        }
        return beta == null ? y : y.add(beta);
    }

    /**
     * NCHW convolution with an optional bias of {@code [out]}.
     *
     * @param x the input, {@code [N, C, H, W]}
     * @param w the kernel, {@code [out, C / groups, kH, kW]}
     * @param bias the bias, {@code [out]}, or null for none
     * @param stride the step along H and W
     * @param padding the zeros added on each side of H and W
     * @param dilation the spacing of kernel taps along H and W
     * @param groups how many groups the channels are split into (1 for a dense convolution)
     * @return {@code [N, out, H', W']}
     */
    public static Tensor conv2d(
            Tensor x, Tensor w, Tensor bias, long[] stride, long[] padding, long[] dilation, long groups) {
        Tensor y = x.net()
                .wrap(x.net()
                        .builder()
                        .add(new Conv2d(list(stride), list(padding), list(dilation), groups), x.value(), w.value()));
        return bias == null ? y : y.add(bias.reshape(1, -1, 1, 1));
    }

    /**
     * NCHW max pooling over {@code kernel}-sized windows of H and W.
     *
     * @param x the input, {@code [N, C, H, W]}
     * @param kernel the window size along H and W
     * @param stride the step along H and W
     * @param padding the padding on each side of H and W
     * @return {@code [N, C, H', W']}
     */
    public static Tensor maxPool2d(Tensor x, long[] kernel, long[] stride, long[] padding) {
        return pool(PoolKind.MAX, x, kernel, stride, padding);
    }

    /**
     * NCHW average pooling over {@code kernel}-sized windows of H and W.
     *
     * @param x the input, {@code [N, C, H, W]}
     * @param kernel the window size along H and W
     * @param stride the step along H and W
     * @param padding the zeros added on each side of H and W
     * @return {@code [N, C, H', W']}
     */
    public static Tensor avgPool2d(Tensor x, long[] kernel, long[] stride, long[] padding) {
        return pool(PoolKind.AVG, x, kernel, stride, padding);
    }

    private static Tensor pool(PoolKind kind, Tensor x, long[] kernel, long[] stride, long[] padding) {
        return x.net()
                .wrap(x.net().builder().add(new Pool2d(kind, list(kernel), list(stride), list(padding)), x.value()));
    }

    /**
     * Inverted dropout: in training, zeroes each element with probability {@code p} and scales the
     * rest by {@code 1/(1-p)}; the mask is drawn with Philox from {@code seed}, offset by the net's
     * step counter so each step draws a new mask. In evaluation it is the identity.
     *
     * @param x the input
     * @param p the probability of zeroing an element, in {@code [0, 1)}
     * @param seed the seed of the mask's random stream
     * @return x with the mask applied in training; x itself in evaluation
     * @throws IllegalArgumentException if {@code p} is outside {@code [0, 1)}
     */
    public static Tensor dropout(Tensor x, double p, long seed) {
        if (p < 0 || p >= 1) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), found " + p);
        }
        Net net = x.net();
        if (!net.training() || p == 0) {
            return x;
        }
        Tensor u = net.wrap(net.builder()
                .add(
                        new RandomOp(Distribution.UNIFORM, seed, x.type()),
                        net.step().value()));
        return u.ge(x.scalar(p)).where(x.div(1 - p), x.scalar(0));
    }

    /**
     * {@code [.., n]} of 0/1 in {@code dtype}: 1 where the last index equals the label.
     *
     * @param labels the integer labels
     * @param n the number of classes, the size of the new last axis
     * @param dtype the dtype of the result
     * @return the one-hot encoding, {@code [labels' shape.., n]}
     */
    public static Tensor oneHot(Tensor labels, long n, DType dtype) {
        Net net = labels.net();
        List<Object> dims = new ArrayList<>(labels.shape().dims());
        dims.add(n);
        TensorType t = new TensorType(labels.dtype(), Shape.dims(dims.toArray()));
        Tensor iota = net.wrap(net.builder().add(new Iota(t, t.rank() - 1)));
        List<Object> col = new ArrayList<>(labels.shape().dims());
        col.add(1);
        return labels.reshape(col.toArray()).eq(iota).cast(dtype);
    }

    static List<Long> list(long[] a) {
        List<Long> l = new ArrayList<>(a.length);
        for (long v : a) {
            l.add(v);
        }
        return l;
    }
}
