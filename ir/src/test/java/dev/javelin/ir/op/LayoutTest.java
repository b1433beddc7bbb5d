package dev.javelin.ir.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.autodiff.Autodiff;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.testing.Seeds;
import dev.javelin.ir.text.Parser;
import dev.javelin.ir.text.Printer;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An NHWC image op is exactly its NCHW twin under the layout permutes: for random attributes the
 * NHWC graph (convolution, pooling, and the gradients autodiff makes of them) gives bit for bit the
 * numbers of the NCHW graph with permutes around it, and both print and parse back.
 */
class LayoutTest {
    private static final List<Integer> TO_NHWC = Layout.NHWC.fromNchw();
    private static final List<Integer> TO_NCHW = Layout.NHWC.toNchw();

    static java.util.stream.LongStream seeds() {
        return Seeds.of("nhwc-equals-nchw", 60);
    }

    /** conv (or pool) of x, then a weighted sum as a loss, with the gradients of x and w as outputs. */
    private static Graph graph(Layout layout, long seed) {
        Random r = new Random(seed);
        long c = 2 + r.nextInt(2) * 2;
        long groups = r.nextBoolean() ? 1 : 2;
        long o = 2 * groups;
        long h = 5 + r.nextInt(3);
        long w = 4 + r.nextInt(3);
        List<Long> stride = List.of(1L + r.nextInt(2), 1L + r.nextInt(2));
        List<Long> padding = List.of((long) r.nextInt(2), (long) r.nextInt(2), (long) r.nextInt(2), 0L);
        List<Long> dilation = List.of(1L + r.nextInt(2), 1L);
        PoolKind kind = r.nextBoolean() ? PoolKind.MAX : PoolKind.AVG;
        GraphBuilder b = new GraphBuilder("layout_" + layout.text());
        // Inputs and weights are always fed NCHW / OIHW; the NHWC graph permutes them first.
        Value x = b.input("x", TensorType.of(DType.F32, 2, c, h, w));
        Value k = b.parameter("k", TensorType.of(DType.F32, o, c / groups, 2, 2));
        Value xi = layout == Layout.NCHW ? x : b.add(new Permute(TO_NHWC), x);
        Value ki = layout == Layout.NCHW ? k : b.add(new Permute(TO_NHWC), k);
        Value y = b.add(new Conv2d(stride, padding, dilation, groups, layout), xi, ki);
        Value pooled = b.add(new Pool2d(kind, List.of(2L, 2L), List.of(1L, 1L), List.of(0L, 1L, 0L, 0L), layout), y);
        Value back = layout == Layout.NCHW ? pooled : b.add(new Permute(TO_NCHW), pooled);
        Value loss = b.reduce(ReduceFn.SUM, b.binary(BinaryFn.MUL, back, back), false, 0, 1, 2, 3);
        List<Value> grads = Autodiff.gradients(b, loss, List.of(x, k));
        b.output("y", back);
        b.output("dx", grads.get(0));
        b.output("dk", grads.get(1));
        return b.build();
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void nhwcGivesTheNchwNumbersExactly(long seed) {
        Graph nchw = graph(Layout.NCHW, seed);
        Graph nhwc = graph(Layout.NHWC, seed);
        assertEquals(nhwc, Parser.parse(Printer.print(nhwc)));
        var feeds = RandomGraphs.feeds(nchw, seed, 2);
        assertEquals(
                Interpreter.run(nchw, feeds).outputs(),
                Interpreter.run(nhwc, feeds).outputs());
    }

    @org.junit.jupiter.api.Test
    void anNhwcOpCheckedInItsOwnLayout() {
        Conv2d cv = new Conv2d(List.of(1L, 1L), List.of(0L, 0L, 0L, 0L), List.of(1L, 1L), 1, Layout.NHWC);
        assertEquals(
                TensorType.of(DType.F32, 2, 4, 3, 5),
                cv.infer(List.of(TensorType.of(DType.F32, 2, 6, 4, 3), TensorType.of(DType.F32, 5, 3, 2, 3))));
        OpTypeError e = assertThrows(
                OpTypeError.class,
                () -> cv.infer(List.of(TensorType.of(DType.F32, 2, 3, 6, 4), TensorType.of(DType.F32, 5, 3, 2, 3))));
        assertEquals(
                "conv2d weight expects 3 input channels per group, input f32[2,4,3,6] has 4 (groups=1) (layout nhwc:"
                        + " operands [f32[2,3,6,4], f32[5,3,2,3]] checked as NCHW [f32[2,4,3,6], f32[5,3,3,2]])",
                e.getMessage());
    }
}
