package dev.javelin.ir.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.ShapeException;
import dev.javelin.ir.graph.SourceLoc;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.text.Printer;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Where the gradient's nodes say they come from: the forward node's line with the backward flag,
 * never the line that asked for the gradient (this test's call of {@code Autodiff.gradients}).
 */
class BackwardLocationTest {
    private static final TensorType VEC = TensorType.of(DType.F32, 3);

    /** Runs {@code op} as if the user's model called it at {@code Model.java:line}. */
    private static <T> T line(int line, Supplier<T> op) {
        return SourceLoc.callAt(new SourceLoc("Model.java", line), op::get);
    }

    private static String from(GraphBuilder b, int before) {
        return b.nodes().subList(before, b.nodes().size()).stream()
                .map(Printer::node)
                .collect(Collectors.joining("\n"));
    }

    @Test
    void everyGradientNodeSitsAtItsForwardNodesLineAndASumAtItsValuesLine() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = line(1, () -> b.input("x", VEC));
        Value y = line(2, () -> b.unary(UnaryFn.EXP, x));
        Value z = line(3, () -> b.binary(BinaryFn.MUL, y, y));
        Value loss = line(4, () -> b.reduce(ReduceFn.SUM, z, false, 0));
        int before = b.nodes().size();
        Autodiff.gradients(b, loss, List.of(x));
        // %6 and %7 are mul's two terms for y (line 3); %8, their sum, is y's gradient (line 2).
        assertEquals("""
                %3 = constant {values=[1.0]} : f32[] @"Model.java":4 (backward)
                %4 = reshape(%3) {shape=[1]} : f32[1] @"Model.java":4 (backward)
                %5 = broadcast(%4) {shape=[3]} : f32[3] @"Model.java":4 (backward)
                %6 = mul(%5, %0) : f32[3] @"Model.java":3 (backward)
                %7 = mul(%5, %0) : f32[3] @"Model.java":3 (backward)
                %8 = add(%6, %7) : f32[3] @"Model.java":2 (backward)
                %9 = mul(%8, %0) : f32[3] @"Model.java":2 (backward)""", from(b, before));
    }

    @Test
    void aWrtValueTheLossIgnoresGetsZerosAtItsOwnLine() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = line(1, () -> b.input("x", VEC));
        Value unused = line(2, () -> b.input("unused", VEC));
        Value loss = line(3, () -> b.reduce(ReduceFn.SUM, x, false, 0));
        int before = b.nodes().size();
        Autodiff.gradients(b, loss, List.of(unused));
        assertEquals("""
                %1 = constant {values=[0.0]} : f32[] @"Model.java":2 (backward)
                %2 = broadcast(%1) {shape=[3]} : f32[3] @"Model.java":2 (backward)""", from(b, before));
    }

    @Test
    void anOverridesNodesSitAtTheOverriddenNodesLine() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = line(1, () -> b.input("x", VEC));
        Value y = line(7, () -> b.unary(UnaryFn.TANH, x));
        Value loss = line(8, () -> b.reduce(ReduceFn.SUM, y, false, 0));
        var straightThrough = new GradientOverride(List.of(x), (gb, g) -> List.of(gb.unary(UnaryFn.NEG, g)));
        int before = b.nodes().size();
        Autodiff.gradients(b, loss, List.of(x), Map.of(y.name(), straightThrough));
        assertEquals("""
                %2 = constant {values=[1.0]} : f32[] @"Model.java":8 (backward)
                %3 = reshape(%2) {shape=[1]} : f32[1] @"Model.java":8 (backward)
                %4 = broadcast(%3) {shape=[3]} : f32[3] @"Model.java":8 (backward)
                %5 = neg(%4) : f32[3] @"Model.java":7 (backward)""", from(b, before));
    }

    @Test
    void aShapeErrorInAnOverrideNamesTheForwardLineAsBackward() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = line(1, () -> b.input("x", VEC));
        Value y = line(7, () -> b.unary(UnaryFn.TANH, x));
        Value loss = line(8, () -> b.reduce(ReduceFn.SUM, y, false, 0));
        Value other = line(9, () -> b.input("other", TensorType.of(DType.F32, 4)));
        var wrong = new GradientOverride(List.of(x), (gb, g) -> List.of(gb.binary(BinaryFn.MUL, g, other)));
        ShapeException e = assertThrows(
                ShapeException.class, () -> Autodiff.gradients(b, loss, List.of(x), Map.of(y.name(), wrong)));
        assertEquals(new SourceLoc("Model.java", 7, true), e.loc());
        assertEquals(
                "mul(f32[3], f32[4]) at Model.java:7 (backward): shapes [3] and [4] do not broadcast: dimension 3 vs 4"
                        + " at axis -1 (counted from the right)",
                e.getMessage());
    }

    @Test
    void aForwardNodeWithoutALocationGivesGradientNodesWithoutOne() {
        GraphBuilder b = new GraphBuilder("g");
        Value x = b.input("x", VEC);
        Value loss = SourceLoc.callAt(SourceLoc.UNKNOWN, () -> b.reduce(ReduceFn.SUM, x, false, 0));
        int before = b.nodes().size();
        Autodiff.gradients(b, loss, List.of(x));
        for (Node n : b.nodes().subList(before, b.nodes().size())) {
            assertEquals(SourceLoc.UNKNOWN, n.loc(), Printer.node(n));
        }
    }

    @Test
    void theFlagIsPartOfTheLocationAndItsText() {
        SourceLoc fwd = new SourceLoc("Model.java", 5);
        assertEquals("Model.java:5", fwd.toString());
        assertEquals("Model.java:5 (backward)", fwd.toBackward().toString());
        assertEquals(new SourceLoc("Model.java", 5, true), fwd.toBackward());
        assertEquals(SourceLoc.UNKNOWN, SourceLoc.UNKNOWN.toBackward());
        assertEquals(SourceLoc.UNKNOWN, new SourceLoc("", 0, true));
    }
}
