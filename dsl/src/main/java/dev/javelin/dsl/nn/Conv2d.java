package dev.javelin.dsl.nn;

import dev.javelin.dsl.F;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;

/** A 2-D convolution layer over NCHW input, weight {@code [out, in/groups, k, k]}, with bias. */
public final class Conv2d extends Module {
    private final long in;
    private final long[] stride;
    private final long[] padding;
    private final long[] dilation;
    private final long groups;
    final Param weight;
    final Param bias;

    /**
     * A convolution with stride 1 and no padding.
     *
     * @param in the input channels
     * @param out the output channels
     * @param kernel the kernel's height and width
     */
    public Conv2d(long in, long out, long kernel) {
        this(in, out, kernel, 1, 0, 1, 1, true);
    }

    /**
     * A convolution with the given stride and padding.
     *
     * @param in the input channels
     * @param out the output channels
     * @param kernel the kernel's height and width
     * @param stride the step along H and W
     * @param padding the zeros added on each side of H and W
     */
    public Conv2d(long in, long out, long kernel, long stride, long padding) {
        this(in, out, kernel, stride, padding, 1, 1, true);
    }

    /**
     * A convolution with every option; {@code stride}, {@code padding} and {@code dilation} apply to H and W alike.
     *
     * @param in the input channels
     * @param out the output channels
     * @param kernel the kernel's height and width
     * @param stride the step along H and W
     * @param padding the zeros added on each side of H and W
     * @param dilation the spacing of the kernel's taps
     * @param groups how many groups the channels are split into; it must divide {@code in} and {@code out}
     * @param bias whether the layer has a bias
     * @throws IllegalArgumentException if {@code groups} does not divide {@code in} and {@code out}
     */
    public Conv2d(long in, long out, long kernel, long stride, long padding, long dilation, long groups, boolean bias) {
        if (in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException("Conv2d groups=" + groups + " must divide in=" + in + " and out=" + out);
        }
        this.in = in;
        this.stride = new long[] {stride, stride};
        this.padding = new long[] {padding, padding, padding, padding};
        this.dilation = new long[] {dilation, dilation};
        this.groups = groups;
        long fanIn = in / groups * kernel * kernel;
        this.weight = Param.of(Initializer.lecunUniform(fanIn), out, in / groups, kernel, kernel);
        this.bias = bias ? Param.of(Initializer.lecunUniform(fanIn), out) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4 || x.shape().dim(1).size() != in) {
            throw new IllegalArgumentException("Conv2d expects [N, " + in + ", H, W] input, found " + x.type());
        }
        return F.conv2d(
                x, weight.on(x.net()), bias == null ? null : bias.on(x.net()), stride, padding, dilation, groups);
    }
}
