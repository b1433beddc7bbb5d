package dev.javelin.ir.autodiff;

import static dev.javelin.ir.autodiff.GradCheck.arg;
import static dev.javelin.ir.autodiff.GradCheck.check;
import static dev.javelin.ir.autodiff.GradCheck.distinct;
import static dev.javelin.ir.autodiff.GradCheck.shape;
import static dev.javelin.ir.autodiff.GradCheck.uniform;

import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Pad;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.value.NdArray;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Gradient checks of the reductions, movement ops, gather and scatter_add. */
class MovementGradientTest {

    @AfterAll
    static void report() {
        System.out.println("[gradcheck] worst relative error so far: " + GradCheck.worst());
    }

    /** Distinct inputs (0.1 apart), so max and min have no ties. */
    @ParameterizedTest
    @EnumSource(ReduceFn.class)
    void reduceOneAxis(ReduceFn fn) {
        Random r = new Random(fn.ordinal());
        check(
                "reduce_" + fn.text() + "_1",
                (b, x) -> b.reduce(fn, x.get(0), false, 1),
                arg(distinct(r, shape(2, 3, 4), 0.1)));
    }

    @ParameterizedTest
    @EnumSource(ReduceFn.class)
    void reduceTwoAxesKeepingThem(ReduceFn fn) {
        Random r = new Random(10 + fn.ordinal());
        check(
                "reduce_" + fn.text() + "_02_keep",
                (b, x) -> b.reduce(fn, x.get(0), true, 0, 2),
                arg(distinct(r, shape(2, 3, 4), 0.1)));
    }

    @ParameterizedTest
    @EnumSource(ReduceFn.class)
    void reduceToAScalar(ReduceFn fn) {
        Random r = new Random(20 + fn.ordinal());
        check(
                "reduce_" + fn.text() + "_all",
                (b, x) -> b.reduce(fn, x.get(0), false, 0, 1, 2),
                arg(distinct(r, shape(2, 3, 4), 0.1)));
    }

    @Test
    void reshape() {
        check(
                "reshape",
                (b, x) -> b.reshape(x.get(0), Shape.of(6, 4)),
                arg(uniform(new Random(1), shape(2, 3, 4), -1, 1)));
    }

    @Test
    void permute() {
        check("permute", (b, x) -> b.permute(x.get(0), 2, 0, 1), arg(uniform(new Random(2), shape(2, 3, 4), -1, 1)));
    }

    @Test
    void broadcastOverANewAndASizeOneAxis() {
        check(
                "broadcast",
                (b, x) -> b.add(new Broadcast(Shape.of(2, 3, 4)), x.get(0)),
                arg(uniform(new Random(3), shape(3, 1), -1, 1)));
    }

    @Test
    void sliceWithStepOne() {
        Slice s = new Slice(List.of(new Slice.Range(0, 1, 3, 1), new Slice.Range(2, 0, 3, 1)));
        check("slice", (b, x) -> b.add(s, x.get(0)), arg(uniform(new Random(4), shape(4, 3, 5), -1, 1)));
    }

    @Test
    void sliceWithStepTwo() {
        Slice s = new Slice(List.of(new Slice.Range(1, 0, 5, 2)));
        check("slice_step2", (b, x) -> b.add(s, x.get(0)), arg(uniform(new Random(5), shape(2, 5, 3), -1, 1)));
    }

    @Test
    void sliceMixingStepsOnThreeAxes() {
        Slice s = new Slice(
                List.of(new Slice.Range(0, 1, 4, 1), new Slice.Range(1, 1, 6, 3), new Slice.Range(2, 1, 4, 2)));
        check("slice_mixed", (b, x) -> b.add(s, x.get(0)), arg(uniform(new Random(6), shape(4, 6, 4), -1, 1)));
    }

    @Test
    void pad() {
        Pad p = new Pad(List.of(1L, 0L), List.of(2L, 3L), 7.5);
        check("pad", (b, x) -> b.add(p, x.get(0)), arg(uniform(new Random(7), shape(3, 4), -1, 1)));
    }

    @Test
    void concatWithAnOperandUsedTwice() {
        Random r = new Random(8);
        check(
                "concat",
                (b, x) -> b.add(new Concat(1), x.get(0), x.get(1), x.get(0)),
                arg(uniform(r, shape(2, 3, 2), -1, 1)),
                arg(uniform(r, shape(2, 1, 2), -1, 1)));
    }

    @Test
    void gatherWithRepeatedIndices() {
        Random r = new Random(9);
        NdArray ids = NdArray.ofLongs(DType.I64, shape(2, 3), 1, 4, 1, 0, 4, 4);
        check(
                "gather_rows",
                (b, x) -> b.add(new Gather(0), x.get(0), x.get(1)),
                arg(uniform(r, shape(5, 3), -1, 1)),
                arg(ids));
    }

    @Test
    void gatherAlongAnInnerAxis() {
        Random r = new Random(10);
        NdArray ids = NdArray.ofLongs(DType.I32, shape(4), 2, 0, 2, 2);
        check(
                "gather_axis1",
                (b, x) -> b.add(new Gather(1), x.get(0), x.get(1)),
                arg(uniform(r, shape(2, 3, 2), -1, 1)),
                arg(ids));
    }

    @Test
    void scatterAddWithRepeatedIndices() {
        Random r = new Random(11);
        NdArray ids = NdArray.ofLongs(DType.I64, shape(4), 3, 1, 3, 3);
        check(
                "scatter_add",
                (b, x) -> b.add(new ScatterAdd(1), x.get(0), x.get(1), x.get(2)),
                arg(uniform(r, shape(2, 4, 3), -1, 1)),
                arg(ids),
                arg(uniform(r, shape(2, 4, 3), -1, 1)));
    }
}
