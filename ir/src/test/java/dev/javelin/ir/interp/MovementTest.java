package dev.javelin.ir.interp;

import static dev.javelin.ir.interp.Support.assertArray;
import static dev.javelin.ir.interp.Support.bool;
import static dev.javelin.ir.interp.Support.eval;
import static dev.javelin.ir.interp.Support.f64;
import static dev.javelin.ir.interp.Support.i32;
import static dev.javelin.ir.interp.Support.i64;
import static dev.javelin.ir.interp.Support.shape;

import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Pad;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.value.NdArray;
import java.util.List;
import org.junit.jupiter.api.Test;

class MovementTest {
    /** Shape.of(2L, 3L) would be ambiguous between its long... and Object... overloads. */
    private static Shape dims(long... d) {
        return Shape.of(d);
    }

    private static final NdArray M = f64(shape(2, 3), 1, 2, 3, 4, 5, 6);

    @Test
    void reshapeKeepsCOrder() {
        assertArray(f64(shape(3, 2), 1, 2, 3, 4, 5, 6), eval(new Reshape(dims(3, 2)), M));
        assertArray(f64(shape(6), 1, 2, 3, 4, 5, 6), eval(new Reshape(dims(6)), M));
        long big = (1L << 53) + 1;
        assertArray(i64(shape(1, 1), big), eval(new Reshape(dims(1, 1)), i64(shape(), big)));
    }

    @Test
    void permuteTransposes() {
        assertArray(f64(shape(3, 2), 1, 4, 2, 5, 3, 6), eval(new Permute(List.of(1, 0)), M));
    }

    @Test
    void permuteRank3() {
        // out[k, i, j] = x[i, j, k] for x of shape [2, 1, 3] holding 0..5.
        NdArray x = f64(shape(2, 1, 3), 0, 1, 2, 3, 4, 5);
        assertArray(f64(shape(3, 2, 1), 0, 3, 1, 4, 2, 5), eval(new Permute(List.of(2, 0, 1)), x));
    }

    @Test
    void broadcastRowsColumnsAndScalars() {
        assertArray(f64(shape(2, 3), 1, 2, 3, 1, 2, 3), eval(new Broadcast(dims(2, 3)), f64(shape(3), 1, 2, 3)));
        assertArray(f64(shape(2, 3), 1, 1, 1, 2, 2, 2), eval(new Broadcast(dims(2, 3)), f64(shape(2, 1), 1, 2)));
        assertArray(i32(shape(2, 2), 7, 7, 7, 7), eval(new Broadcast(dims(2, 2)), i32(shape(), 7)));
        assertArray(f64(shape(0, 2)), eval(new Broadcast(dims(0, 2)), f64(shape(1), 5)));
    }

    @Test
    void sliceWithStartStopAndStep() {
        NdArray x = f64(shape(3, 4), 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        Slice rowsAndEvenColumns = new Slice(List.of(new Slice.Range(0, 1, 3, 1), new Slice.Range(1, 0, 4, 2)));
        assertArray(f64(shape(2, 2), 4, 6, 8, 10), eval(rowsAndEvenColumns, x));
        // 1:4:2 selects columns 1 and 3; the last row is kept whole on the unlisted axis.
        assertArray(f64(shape(3, 2), 1, 3, 5, 7, 9, 11), eval(new Slice(List.of(new Slice.Range(1, 1, 4, 2))), x));
        assertArray(f64(shape(3, 0)), eval(new Slice(List.of(new Slice.Range(1, 2, 2, 1))), x));
    }

    @Test
    void padFillsTheValue() {
        NdArray x = f64(shape(2, 2), 1, 2, 3, 4);
        assertArray(f64(shape(3, 3), 9, 9, 9, 1, 2, 9, 3, 4, 9), eval(new Pad(List.of(1L, 0L), List.of(0L, 1L), 9), x));
        assertArray(i32(shape(4), -1, 5, 6, -1), eval(new Pad(List.of(1L), List.of(1L), -1), i32(shape(2), 5, 6)));
        assertArray(
                f64(shape(1, 2), Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY),
                eval(new Pad(List.of(1L, 0L), List.of(0L, 0L), Double.NEGATIVE_INFINITY), f64(shape(0, 2))));
        assertArray(bool(shape(3), 1, 0, 1), eval(new Pad(List.of(1L), List.of(1L), 1), bool(shape(1), 0)));
    }

    @Test
    void concatAlongEachAxis() {
        assertArray(
                f64(shape(3, 2), 1, 2, 3, 4, 5, 6),
                eval(new Concat(0), f64(shape(1, 2), 1, 2), f64(shape(2, 2), 3, 4, 5, 6)));
        assertArray(
                f64(shape(2, 3), 1, 3, 4, 2, 5, 6),
                eval(new Concat(1), f64(shape(2, 1), 1, 2), f64(shape(2, 2), 3, 4, 5, 6)));
        assertArray(
                i64(shape(4), 1, 2, 3, 4),
                eval(new Concat(0), i64(shape(1), 1), i64(shape(2), 2, 3), i64(shape(1), 4)));
    }

    @Test
    void concatWithAnEmptyOperand() {
        assertArray(
                f64(shape(2, 2), 1, 2, 3, 4),
                eval(new Concat(1), f64(shape(2, 0)), f64(shape(2, 2), 1, 2, 3, 4), f64(shape(2, 0))));
        assertArray(f64(shape(0, 2)), eval(new Concat(0), f64(shape(0, 2)), f64(shape(0, 2))));
    }
}
