package dev.javelin.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Distribution;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.Pad;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.Pool2dBackprop;
import dev.javelin.ir.op.PoolKind;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** One graph that uses every primitive, every function of each family and every dtype, round-tripped exactly. */
class EveryOpRoundTripTest {

    static Graph everyOp() {
        GraphBuilder b = new GraphBuilder("every_op");
        Value x = b.input("x", TensorType.dims(DType.F32, "batch", 4));
        Value flags = b.input("flags", TensorType.dims(DType.BOOL, "batch", 4));
        for (UnaryFn f : UnaryFn.values()) {
            b.unary(f, f == UnaryFn.NOT ? flags : x);
        }
        Value y = b.parameter("layer.weight", TensorType.of(DType.F32, 4));
        for (BinaryFn f : BinaryFn.values()) {
            boolean logical = f.domain() == BinaryFn.Domain.LOGICAL;
            b.binary(f, logical ? flags : x, logical ? flags : y);
        }
        b.select(flags, x, y);
        for (DType d : DType.values()) {
            b.cast(x, d);
            b.constant(TensorType.of(d, 2), d.isBool() ? new double[] {1, 0} : new double[] {-2, 3});
        }
        b.constant(
                TensorType.of(DType.F64, 5),
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                -0.0,
                Math.PI);
        b.constant(TensorType.of(DType.F16, 2, 2), 0.1);
        b.constant(TensorType.of(DType.BF16), 1.0 / 3);
        for (ReduceFn f : ReduceFn.values()) {
            b.reduce(f, x, true, 1);
            b.reduce(f, x, false, 0, 1);
        }
        b.add(new ArgMax(1, false), x);
        b.reshape(x, Shape.dims("batch", 2, 2));
        b.permute(x, 1, 0);
        b.add(new Broadcast(Shape.dims(3, "batch", 4)), x);
        b.add(new Slice(List.of(new Slice.Range(1, 1, 4, 2))), x);
        b.add(new Pad(List.of(0L, 1L), List.of(0L, 2L), Double.NEGATIVE_INFINITY), x);
        b.add(new Concat(1), x, x, x);
        Value w = b.parameter("w", TensorType.of(DType.F32, 3, 4));
        b.add(new MatMul(false, true), x, w);
        b.add(new MatMul(true, false), x, x);
        Value img = b.input("img", TensorType.dims(DType.F32, "batch", 4, 8, 8));
        Value k = b.parameter("conv.weight", TensorType.of(DType.F32, 6, 2, 3, 3));
        List<Long> stride = List.of(2L, 1L);
        List<Long> padding = List.of(1L, 1L, 0L, 2L);
        List<Long> dilation = List.of(1L, 2L);
        Value conv = b.add(new Conv2d(stride, padding, dilation, 2), img, k);
        b.add(new Conv2dBackpropInput(stride, padding, dilation, 2, Shape.dims("batch", 4, 8, 8)), conv, k);
        b.add(new Conv2dBackpropFilter(stride, padding, dilation, 2, Shape.of(6, 2, 3, 3)), img, conv);
        for (PoolKind kind : PoolKind.values()) {
            List<Long> kernel = List.of(2L, 3L);
            List<Long> poolStride = List.of(2L, 1L);
            List<Long> poolPadding = List.of(0L, 1L, 1L, 0L);
            Value pooled = b.add(new Pool2d(kind, kernel, poolStride, poolPadding), img);
            b.add(new Pool2dBackprop(kind, kernel, poolStride, poolPadding), img, pooled);
        }
        Value table = b.parameter("embedding", TensorType.of(DType.F32, 10, 4));
        Value ids = b.input("ids", TensorType.dims(DType.I64, "batch", 7));
        Value rows = b.add(new Gather(0), table, ids);
        b.add(new ScatterAdd(0), table, ids, rows);
        b.add(new Iota(TensorType.of(DType.I32, 3, 5), 1));
        Value step = b.input("step", TensorType.scalar(DType.I64));
        b.add(new RandomOp(Distribution.UNIFORM, 42, TensorType.of(DType.F32, 2, 3)));
        b.add(new RandomOp(Distribution.NORMAL, -1, TensorType.of(DType.BF16, 8)), step);
        Value next = b.binary(BinaryFn.MUL, y, b.add(Constant.scalar(TensorType.scalar(DType.F32), 0.5)));
        b.assign(y, next);
        b.output("x_out", x);
        b.output("next", next);
        return b.build();
    }

    @Test
    void everyMnemonicOccursAndRoundTrips() {
        Graph g = everyOp();
        Set<String> used =
                g.nodes().stream().map(n -> n.op().mnemonic()).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(Op.mnemonics()), used, "the test graph must use every op of the text form");
        String text = Printer.print(g);
        Graph back = Parser.parse(text);
        assertEquals(g, back);
        assertEquals(text, Printer.print(back));
    }

    @Test
    void locationsSurviveTheRoundTrip() {
        Graph g = everyOp();
        Node first = g.nodes().get(0);
        assertEquals("EveryOpRoundTripTest.java", first.loc().file());
        assertEquals(first.loc(), Parser.parse(Printer.print(g)).nodes().get(0).loc());
    }
}
