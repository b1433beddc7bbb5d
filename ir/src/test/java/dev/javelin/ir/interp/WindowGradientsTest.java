package dev.javelin.ir.interp;

import static dev.javelin.ir.interp.Support.assertArray;
import static dev.javelin.ir.interp.Support.eval;
import static dev.javelin.ir.interp.Support.f64;
import static dev.javelin.ir.interp.Support.shape;
import static dev.javelin.ir.interp.Support.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.OpTypeError;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.Pool2dBackprop;
import dev.javelin.ir.op.PoolKind;
import dev.javelin.ir.text.Parser;
import dev.javelin.ir.text.Printer;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.value.NdArray;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The gradient primitives of conv2d and pooling: hand-computed cases, adjoint identities, typing and text. */
class WindowGradientsTest {
    private static final List<Long> NO_PADDING = List.of(0L, 0L, 0L, 0L);

    private static Conv2dBackpropInput input(Conv2d cv, long... inputShape) {
        return new Conv2dBackpropInput(cv.stride(), cv.padding(), cv.dilation(), cv.groups(), Shape.of(inputShape));
    }

    private static Conv2dBackpropFilter filter(Conv2d cv, long... filterShape) {
        return new Conv2dBackpropFilter(cv.stride(), cv.padding(), cv.dilation(), cv.groups(), Shape.of(filterShape));
    }

    private static Conv2d conv(long stride, List<Long> padding, long dilationW, long groups) {
        return new Conv2d(List.of(stride, stride), padding, List.of(1L, dilationW), groups);
    }

    private static Pool2dBackprop pool(PoolKind kind, long kh, long kw, long stride, List<Long> padding) {
        return new Pool2dBackprop(kind, List.of(kh, kw), List.of(stride, stride), padding);
    }

    @Test
    void backpropInputSpreadsEachOutputGradientOverItsWindow() {
        Conv2d cv = conv(1, NO_PADDING, 1, 1);
        NdArray w = f64(shape(1, 1, 2, 2), 1, 2, 3, 4);
        // One output gradient: the weight lands where that window read the input.
        assertArray(
                f64(shape(1, 1, 3, 3), 1, 2, 0, 3, 4, 0, 0, 0, 0),
                eval(input(cv, 1, 1, 3, 3), f64(shape(1, 1, 2, 2), 1, 0, 0, 0), w));
        // All ones: each input element sums the weights of every window covering it.
        assertArray(
                f64(shape(1, 1, 3, 3), 1, 3, 2, 4, 10, 6, 3, 7, 4),
                eval(input(cv, 1, 1, 3, 3), f64(shape(1, 1, 2, 2), 1, 1, 1, 1), w));
    }

    @Test
    void backpropFilterSumsInputTimesOutputGradient() {
        Conv2d cv = conv(1, NO_PADDING, 1, 1);
        NdArray x = f64(shape(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
        // dw[kh, kw] is the sum of the 2x2 block of x at offset (kh, kw): 1+2+4+5, 2+3+5+6, ...
        assertArray(
                f64(shape(1, 1, 2, 2), 12, 16, 24, 28),
                eval(filter(cv, 1, 1, 2, 2), x, f64(shape(1, 1, 2, 2), 1, 1, 1, 1)));
    }

    @Test
    void strideAndPaddingDropTheTapsOnThePadding() {
        // 3x3 input padded below and right to 4x4, 2x2 windows at stride 2: four windows, three cut by padding.
        Conv2d cv = conv(2, List.of(0L, 1L, 0L, 1L), 1, 1);
        NdArray dy = f64(shape(1, 1, 2, 2), 1, 2, 3, 4);
        assertArray(
                f64(shape(1, 1, 3, 3), 1, 1, 2, 1, 1, 2, 3, 3, 4),
                eval(input(cv, 1, 1, 3, 3), dy, f64(shape(1, 1, 2, 2), 1, 1, 1, 1)));
        // dw[0,0] = 1*1 + 3*2 + 7*3 + 9*4; dw[0,1] = 2*1 + 8*3; dw[1,0] = 4*1 + 6*2; dw[1,1] = 5*1.
        NdArray x = f64(shape(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertArray(f64(shape(1, 1, 2, 2), 64, 26, 16, 5), eval(filter(cv, 1, 1, 2, 2), x, dy));
    }

    @Test
    void dilationSpacesTheTaps() {
        // y[ow] = x[ow]*w0 + x[ow+2]*w1, so dx = [dy0*w0, dy1*w0, dy0*w1, dy1*w1].
        Conv2d cv = conv(1, NO_PADDING, 2, 1);
        NdArray dy = f64(shape(1, 1, 1, 2), 1, 10);
        assertArray(
                f64(shape(1, 1, 1, 4), 2, 20, 3, 30), eval(input(cv, 1, 1, 1, 4), dy, f64(shape(1, 1, 1, 2), 2, 3)));
        assertArray(
                f64(shape(1, 1, 1, 2), 1 + 20, 3 + 40),
                eval(filter(cv, 1, 1, 1, 2), f64(shape(1, 1, 1, 4), 1, 2, 3, 4), dy));
    }

    @Test
    void groupsKeepTheirChannelsApart() {
        // Two groups of one channel, 1x1 kernels: channel c is scaled by w[c] alone.
        Conv2d cv = conv(1, NO_PADDING, 1, 2);
        NdArray dy = f64(shape(1, 2, 1, 2), 1, 2, 3, 4);
        assertArray(f64(shape(1, 2, 1, 2), 2, 4, 9, 12), eval(input(cv, 1, 2, 1, 2), dy, f64(shape(2, 1, 1, 1), 2, 3)));
        assertArray(
                f64(shape(2, 1, 1, 1), 1 * 1 + 2 * 2, 5 * 3 + 6 * 4),
                eval(filter(cv, 2, 1, 1, 1), f64(shape(1, 2, 1, 2), 1, 2, 5, 6), dy));
    }

    /** {@code <dy, conv(x, w)> = <backprop_input(dy, w), x> = <backprop_filter(x, dy), w>}: both are conv's adjoints. */
    @Test
    void convGradientsAreTheAdjointsOfConv() {
        Random r = new Random(5);
        Conv2d cv = new Conv2d(List.of(2L, 1L), List.of(1L, 0L, 2L, 1L), List.of(1L, 2L), 2);
        NdArray x = random(r, 2, 4, 7, 6);
        NdArray w = random(r, 6, 2, 3, 2);
        NdArray y = eval(cv, x, w);
        NdArray dy = random(r, y.shape());
        double forward = dot(dy, y);
        assertEquals(forward, dot(eval(input(cv, 2, 4, 7, 6), dy, w), x), 1e-12 * Math.abs(forward) + 1e-12);
        assertEquals(forward, dot(eval(filter(cv, 6, 2, 3, 2), x, dy), w), 1e-12 * Math.abs(forward) + 1e-12);
    }

    @Test
    void avgPoolGradientIsTheAdjointOfAvgPool() {
        Random r = new Random(6);
        List<Long> padding = List.of(1L, 0L, 1L, 1L);
        NdArray x = random(r, 2, 3, 5, 6);
        NdArray y = eval(new Pool2d(PoolKind.AVG, List.of(3L, 2L), List.of(2L, 2L), padding), x);
        NdArray dy = random(r, y.shape());
        double forward = dot(dy, y);
        NdArray dx = eval(pool(PoolKind.AVG, 3, 2, 2, padding), x, dy);
        assertEquals(forward, dot(dx, x), 1e-12 * Math.abs(forward) + 1e-12);
    }

    @Test
    void maxPoolGradientGoesToTheFirstMaximumOfEachWindow() {
        // Both 2x2 windows hold the maximum 5 at (0,1) first: that element gets 1 + 10.
        NdArray x = f64(shape(1, 1, 2, 3), 1, 5, 5, 2, 0, 3);
        assertArray(
                f64(shape(1, 1, 2, 3), 0, 11, 0, 0, 0, 0),
                eval(pool(PoolKind.MAX, 2, 2, 1, NO_PADDING), x, f64(shape(1, 1, 1, 2), 1, 10)));
    }

    @Test
    void maxPoolPaddingReceivesNothing() {
        // Padded above and left, every window's largest real element is x[0,0] = -1 (padding is -inf).
        NdArray x = f64(shape(1, 1, 2, 2), -1, -2, -3, -4);
        assertArray(
                f64(shape(1, 1, 2, 2), 10, 0, 0, 0),
                eval(pool(PoolKind.MAX, 2, 2, 1, List.of(1L, 0L, 1L, 0L)), x, f64(shape(1, 1, 2, 2), 1, 2, 3, 4)));
    }

    @Test
    void maxPoolGradientFollowsANaN() {
        NdArray x = f64(shape(1, 1, 1, 3), 1, Double.NaN, 5);
        assertArray(
                f64(shape(1, 1, 1, 3), 0, 7, 0),
                eval(pool(PoolKind.MAX, 1, 3, 1, NO_PADDING), x, f64(shape(1, 1, 1, 1), 7)));
    }

    @Test
    void avgPoolGradientSpreadsOverTheWindowCountingPadding() {
        // Window (1,1) covers all of x; the others are cut by the padding but still divide by 4.
        NdArray x = f64(shape(1, 1, 2, 2), 9, 9, 9, 9);
        assertArray(
                f64(shape(1, 1, 2, 2), 10, 6, 7, 4),
                eval(pool(PoolKind.AVG, 2, 2, 1, List.of(1L, 0L, 1L, 0L)), x, f64(shape(1, 1, 2, 2), 4, 8, 12, 16)));
    }

    @Test
    void typingFollowsTheForwardOp() {
        Conv2d cv = conv(1, NO_PADDING, 1, 1);
        var dy = type(DType.F64, 1, 1, 2, 2);
        var w = type(DType.F64, 1, 1, 2, 2);
        assertEquals(type(DType.F64, 1, 1, 3, 3), input(cv, 1, 1, 3, 3).infer(List.of(dy, w)));
        assertEquals(
                "conv2d_backprop_input grad_out must have the forward conv2d's result type f64[1,1,3,3], found"
                        + " f64[1,1,2,2]",
                assertThrows(OpTypeError.class, () -> input(cv, 1, 1, 4, 4).infer(List.of(dy, w)))
                        .getMessage());
        assertEquals(
                "conv2d_backprop_input: the forward conv2d(f64[1,2,3,3], f64[1,1,2,2]) is invalid: conv2d weight"
                        + " expects 1 input channels per group, input f64[1,2,3,3] has 2 (groups=1)",
                assertThrows(OpTypeError.class, () -> input(cv, 1, 2, 3, 3).infer(List.of(dy, w)))
                        .getMessage());
        assertEquals(
                "conv2d_backprop_filter filter_shape must be a static [O,C/groups,KH,KW], found [2,2]",
                assertThrows(OpTypeError.class, () -> filter(cv, 2, 2).infer(List.of(dy, dy)))
                        .getMessage());
        assertEquals(
                "max_pool2d_backprop grad_out must have the forward max_pool2d's result type f64[1,1,2,2], found"
                        + " f64[1,1,3,3]",
                assertThrows(
                                OpTypeError.class,
                                () -> pool(PoolKind.MAX, 2, 2, 1, NO_PADDING)
                                        .infer(List.of(type(DType.F64, 1, 1, 3, 3), type(DType.F64, 1, 1, 3, 3))))
                        .getMessage());
    }

    @Test
    void symbolicBatchInTheTextFormAndAtRunTime() {
        String text = """
                graph g {
                  %dy = input : f64[n,1,2,2]
                  %w = parameter : f64[1,1,2,2]
                  %dx = conv2d_backprop_input(%dy, %w) {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, \
                input_shape=[n,1,3,3]} : f64[n,1,3,3]
                  %x = input : f64[n,1,3,3]
                  %dw = conv2d_backprop_filter(%x, %dy) {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1, \
                filter_shape=[1,1,2,2]} : f64[1,1,2,2]
                  %mp = max_pool2d_backprop(%x, %dy) {kernel=[2,2], stride=[1,1], padding=[0,0,0,0]} : f64[n,1,3,3]
                  %ap = avg_pool2d_backprop(%x, %dy) {kernel=[2,2], stride=[1,1], padding=[0,0,0,0]} : f64[n,1,3,3]
                  output dx = %dx
                  output dw = %dw
                }
                """;
        Graph g = Parser.parse(text);
        assertEquals(text, Printer.print(g));
        NdArray dy = f64(shape(2, 1, 2, 2), 1, 1, 1, 1, 1, 0, 0, 0);
        NdArray x = f64(shape(2, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var result = Interpreter.run(g, Map.of("dy", dy, "w", f64(shape(1, 1, 2, 2), 1, 2, 3, 4), "x", x));
        assertArray(
                f64(shape(2, 1, 3, 3), 1, 3, 2, 4, 10, 6, 3, 7, 4, 1, 2, 0, 3, 4, 0, 0, 0, 0),
                result.outputs().get("dx"));
        assertArray(f64(shape(1, 1, 2, 2), 12, 16, 24, 28), result.outputs().get("dw"));
    }

    private static NdArray random(Random r, long... shape) {
        NdArray a = NdArray.zeros(DType.F64, shape);
        for (int i = 0; i < a.size(); i++) {
            a.set(i, r.nextGaussian());
        }
        return a;
    }

    private static double dot(NdArray a, NdArray b) {
        assertEquals(a.type(), b.type());
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.get(i) * b.get(i);
        }
        return s;
    }
}
