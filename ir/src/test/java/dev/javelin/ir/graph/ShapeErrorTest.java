package dev.javelin.ir.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Shape and dtype mismatches fail when the node is built, naming the op, operand types and this file's line. */
class ShapeErrorTest {
    final GraphBuilder b = new GraphBuilder("g");
    final Value x = b.input("x", TensorType.dims(DType.F32, "batch", 784));
    final Value w = b.parameter("w", TensorType.of(DType.F32, 128, 10));
    final Value ids = b.input("ids", TensorType.of(DType.I32, 3));

    static String error(Executable e) {
        return assertThrows(ShapeException.class, e).getMessage();
    }

    /** The line of the caller, to check that messages point at the DSL call. */
    static int line() {
        return StackWalker.getInstance()
                .walk(s -> s.skip(1).findFirst().orElseThrow().getLineNumber());
    }

    @Test
    void matmulInnerDimensions() {
        int at = line() + 1;
        String m = error(() -> b.matmul(x, w));
        assertEquals(
                "matmul(f32[batch,784], f32[128,10]) at ShapeErrorTest.java:" + at
                        + ": matmul contraction dimensions differ: 784 vs 128 (f32[batch,784] x f32[128,10])",
                m);
    }

    @Test
    void broadcasting() {
        Value y = b.input("y", TensorType.of(DType.F32, 3, 785));
        assertEquals(
                "add(f32[batch,784], f32[3,785]) at ShapeErrorTest.java:" + (line() + 2) + ": shapes [batch,784]"
                        + " and [3,785] do not broadcast: dimension batch vs 3 at axis -2 (counted from the right)",
                error(() -> b.binary(BinaryFn.ADD, x, y)));
        Value z = b.input("z", TensorType.of(DType.F32, 7, 784));
        assertEquals(
                "shapes [batch,784] and [7,784] do not broadcast: dimension batch vs 7 at axis -2 (counted from"
                        + " the right)",
                assertThrows(ShapeException.class, () -> b.binary(BinaryFn.MUL, x, z))
                        .detail());
    }

    @Test
    void reshapeElementCount() {
        assertEquals(
                "reshape cannot change the number of elements: [batch,784] has 784*batch, [batch,28,27] has"
                        + " 756*batch",
                assertThrows(ShapeException.class, () -> b.reshape(x, Shape.dims("batch", 28, 27)))
                        .detail());
    }

    @Test
    void convolutionChannels() {
        Value img = b.input("img", TensorType.dims(DType.F32, "batch", 3, 28, 28));
        Value k = b.parameter("k", TensorType.of(DType.F32, 8, 1, 3, 3));
        assertEquals(
                "conv2d weight expects 1 input channels per group, input f32[batch,3,28,28] has 3 (groups=1)",
                assertThrows(
                                ShapeException.class,
                                () -> b.add(
                                        new Conv2d(List.of(1L, 1L), List.of(0L, 0L, 0L, 0L), List.of(1L, 1L), 1),
                                        img,
                                        k))
                        .detail());
    }

    @Test
    void wrongDtypes() {
        assertEquals(
                "add(f32[batch,784], i32[3]) at ShapeErrorTest.java:" + (line() + 2) + ": operand dtypes differ:"
                        + " f32 vs i32 (insert an explicit cast; there is no implicit promotion)",
                error(() -> b.binary(BinaryFn.ADD, x, ids)));
        assertEquals(
                "log needs a floating-point operand, found i32",
                assertThrows(ShapeException.class, () -> b.unary(UnaryFn.LOG, ids))
                        .detail());
        assertEquals(
                "gather needs integer (i32 or i64) indices, found f32",
                assertThrows(ShapeException.class, () -> b.add(new Gather(0), w, x))
                        .detail());
        assertEquals(
                "select needs a bool condition, found f32",
                assertThrows(ShapeException.class, () -> b.select(x, x, x)).detail());
        assertEquals(
                "not needs a bool operand, found f32",
                assertThrows(ShapeException.class, () -> b.unary(UnaryFn.NOT, x))
                        .detail());
    }

    @Test
    void operandsFromAnotherGraphAreRejected() {
        Value foreign = new GraphBuilder("other").input("q", TensorType.of(DType.F32, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.unary(UnaryFn.NEG, foreign));
        assertEquals("neg: operand Value[name=q, type=f32[2]] is not a value of graph g", e.getMessage());
    }
}
