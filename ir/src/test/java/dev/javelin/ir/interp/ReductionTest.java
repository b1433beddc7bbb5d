package dev.javelin.ir.interp;

import static dev.javelin.ir.interp.Support.assertArray;
import static dev.javelin.ir.interp.Support.eval;
import static dev.javelin.ir.interp.Support.f64;
import static dev.javelin.ir.interp.Support.i32;
import static dev.javelin.ir.interp.Support.i64;
import static dev.javelin.ir.interp.Support.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReductionTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;

    private static NdArray reduce(ReduceFn fn, NdArray x, boolean keep, Integer... axes) {
        return eval(new Reduce(fn, List.of(axes), keep), x);
    }

    private static final NdArray M = f64(shape(2, 3), 1, 2, 3, 4, 5, 6);

    @Test
    void sumOverEachAxisAndBoth() {
        assertArray(f64(shape(3), 5, 7, 9), reduce(ReduceFn.SUM, M, false, 0));
        assertArray(f64(shape(2), 6, 15), reduce(ReduceFn.SUM, M, false, 1));
        assertArray(f64(shape(), 21), reduce(ReduceFn.SUM, M, false, 0, 1));
        assertArray(f64(shape(2, 1), 6, 15), reduce(ReduceFn.SUM, M, true, 1));
        assertArray(f64(shape(2, 3), 1, 2, 3, 4, 5, 6), reduce(ReduceFn.SUM, M, false));
    }

    @Test
    void sumOverOuterAndInnerAxesOfARank3Tensor() {
        NdArray x = f64(shape(2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8);
        // x[i, j, k]: j = 0 holds 1, 2, 5, 6; j = 1 holds 3, 4, 7, 8.
        assertArray(f64(shape(2), 14, 22), reduce(ReduceFn.SUM, x, false, 0, 2));
        assertArray(f64(shape(1, 2, 1), 14, 22), reduce(ReduceFn.SUM, x, true, 0, 2));
    }

    @Test
    void maxAndMin() {
        assertArray(f64(shape(2), 3, 6), reduce(ReduceFn.MAX, M, false, 1));
        assertArray(f64(shape(3), 1, 2, 3), reduce(ReduceFn.MIN, M, false, 0));
        assertArray(f64(shape(1), INF), reduce(ReduceFn.MAX, f64(shape(2, 1), -INF, INF), false, 0));
    }

    @Test
    void emptyAxisGivesTheIdentity() {
        NdArray empty = f64(shape(2, 0));
        assertArray(f64(shape(2), 0, 0), reduce(ReduceFn.SUM, empty, false, 1));
        assertArray(f64(shape(2), -INF, -INF), reduce(ReduceFn.MAX, empty, false, 1));
        assertArray(f64(shape(2, 1), INF, INF), reduce(ReduceFn.MIN, empty, true, 1));
        assertArray(f64(shape(3), 0, 0, 0), reduce(ReduceFn.SUM, f64(shape(0, 3)), false, 0));
        assertArray(f64(shape(0)), reduce(ReduceFn.SUM, f64(shape(0, 3)), false, 1));
        assertArray(i32(shape(1), Integer.MIN_VALUE), reduce(ReduceFn.MAX, i32(shape(1, 0)), false, 1));
        assertArray(i64(shape(1), Long.MAX_VALUE), reduce(ReduceFn.MIN, i64(shape(1, 0)), false, 1));
    }

    @Test
    void nanPropagates() {
        NdArray x = f64(shape(2, 3), 1, NAN, 2, 1, 2, 3);
        assertArray(f64(shape(2), NAN, 6), reduce(ReduceFn.SUM, x, false, 1));
        assertArray(f64(shape(2), NAN, 3), reduce(ReduceFn.MAX, x, false, 1));
        assertArray(f64(shape(2), NAN, 1), reduce(ReduceFn.MIN, x, false, 1));
        assertArray(f64(shape(), NAN), reduce(ReduceFn.SUM, f64(shape(2), INF, -INF), false, 0));
    }

    @Test
    void integerSumsAreExactAndWrap() {
        assertArray(
                i32(shape(), Integer.MIN_VALUE), reduce(ReduceFn.SUM, i32(shape(2), Integer.MAX_VALUE, 1), false, 0));
        long p = 1L << 53;
        assertArray(i64(shape(), p + 3), reduce(ReduceFn.SUM, i64(shape(3), p, 1, 2), false, 0));
        assertArray(i64(shape(), p + 1), reduce(ReduceFn.MAX, i64(shape(2), p + 1, p), false, 0));
    }

    @Test
    void argmaxTakesTheFirstOfTies() {
        NdArray x = f64(shape(2, 3), 1, 3, 3, 2, 1, 0);
        assertArray(i64(shape(2), 1, 0), eval(new ArgMax(1, false), x));
        assertArray(i64(shape(3), 1, 0, 0), eval(new ArgMax(0, false), x));
        assertArray(i64(shape(2, 1), 1, 0), eval(new ArgMax(1, true), x));
        assertArray(i64(shape(), 0), eval(new ArgMax(0, false), f64(shape(2), -INF, -INF)));
    }

    @Test
    void argmaxTreatsNaNAsLargest() {
        assertArray(i64(shape(), 1), eval(new ArgMax(0, false), f64(shape(4), 1, NAN, 5, NAN)));
        assertArray(i64(shape(), 0), eval(new ArgMax(0, false), f64(shape(3), NAN, INF, 7)));
    }

    @Test
    void argmaxComparesIntegersExactly() {
        long p = 1L << 53;
        assertArray(i64(shape(), 1), eval(new ArgMax(0, false), i64(shape(2), p, p + 1)));
        assertArray(i64(shape(), 2), eval(new ArgMax(0, false), i32(shape(3), -5, -7, 4)));
    }

    @Test
    void argmaxOverAnAxisThatBindsEmptyIsAnError() {
        GraphBuilder b = new GraphBuilder("g", Set.of("dev.javelin.ir.graph."));
        var x = b.input("x", TensorType.dims(DType.F64, "n"));
        b.output("i", b.addNamed("am", new ArgMax(0, false), x));
        Graph g = b.build();
        var e = assertThrows(InterpreterException.class, () -> Interpreter.run(g, Map.of("x", f64(shape(0)))));
        assertEquals("ReductionTest.java", g.node("am").loc().file());
        assertEquals(
                "node %am (argmax) at ReductionTest.java:" + g.node("am").loc().line()
                        + ": argmax over axis 0, which is empty at run time (f64[0])",
                e.getMessage());
    }
}
