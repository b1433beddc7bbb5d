package dev.javelin.ir.interp;

import static dev.javelin.ir.interp.Support.assertArray;
import static dev.javelin.ir.interp.Support.eval;
import static dev.javelin.ir.interp.Support.evalError;
import static dev.javelin.ir.interp.Support.f32;
import static dev.javelin.ir.interp.Support.f64;
import static dev.javelin.ir.interp.Support.i32;
import static dev.javelin.ir.interp.Support.i64;
import static dev.javelin.ir.interp.Support.shape;
import static dev.javelin.ir.interp.Support.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.op.Distribution;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.random.Philox;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import org.junit.jupiter.api.Test;

class IndexingTest {
    private static final NdArray TABLE = f64(shape(3, 2), 1, 2, 3, 4, 5, 6);

    @Test
    void gatherRowsLikeAnEmbedding() {
        assertArray(
                f64(shape(2, 2, 2), 5, 6, 1, 2, 3, 4, 5, 6), eval(new Gather(0), TABLE, i32(shape(2, 2), 2, 0, 1, 2)));
        assertArray(f64(shape(2), 3, 4), eval(new Gather(0), TABLE, i64(shape(), 1)));
        assertArray(f64(shape(0, 2)), eval(new Gather(0), TABLE, i64(shape(0))));
    }

    @Test
    void gatherAlongAnInnerAxis() {
        NdArray m = f64(shape(2, 3), 1, 2, 3, 4, 5, 6);
        assertArray(f64(shape(2, 3), 3, 1, 3, 6, 4, 6), eval(new Gather(1), m, i64(shape(3), 2, 0, 2)));
        long big = (1L << 53) + 1;
        assertArray(i64(shape(2), big, big), eval(new Gather(0), i64(shape(2), 0, big), i32(shape(2), 1, 1)));
    }

    @Test
    void gatherIndexOutOfRangeIsAnError() {
        assertEquals(
                "node %y (gather): index 3 at position [1, 0] of the indices i32[2,2] is out of range [0, 3)",
                evalError(new Gather(0), TABLE, i32(shape(2, 2), 0, 1, 3, 0)));
        assertEquals(
                "node %y (gather): index -1 at position [0] of the indices i64[1] is out of range [0, 2)",
                evalError(new Gather(1), TABLE, i64(shape(1), -1)));
    }

    @Test
    void scatterAddAccumulatesDuplicates() {
        assertArray(
                f64(shape(3), 8, 0, 2),
                eval(new ScatterAdd(0), f64(shape(3), 0, 0, 0), i32(shape(4), 0, 2, 0, 0), f64(shape(4), 1, 2, 3, 4)));
        // Along axis 1 of a base of ones: both updates of each row land on column 2.
        assertArray(
                f64(shape(2, 3), 1, 1, 4, 1, 1, 8),
                eval(
                        new ScatterAdd(1),
                        f64(shape(2, 3), 1, 1, 1, 1, 1, 1),
                        i64(shape(2), 2, 2),
                        f64(shape(2, 2), 1, 2, 3, 4)));
        // Rows of a table, as an embedding's gradient: row 1 gets both update rows.
        NdArray zeros = f64(shape(3, 2), 0, 0, 0, 0, 0, 0);
        assertArray(
                f64(shape(3, 2), 0, 0, 4, 6, 0, 0),
                eval(new ScatterAdd(0), zeros, i32(shape(2), 1, 1), f64(shape(2, 2), 1, 2, 3, 4)));
    }

    @Test
    void integerScatterAddWraps() {
        assertArray(
                i32(shape(2), Integer.MIN_VALUE, 0),
                eval(new ScatterAdd(0), i32(shape(2), Integer.MAX_VALUE, 0), i32(shape(1), 0), i32(shape(1), 1)));
    }

    @Test
    void scatterAddIndexOutOfRangeIsAnError() {
        assertEquals(
                "node %y (scatter_add): index 5 at position [1] of the indices i32[2] is out of range [0, 3)",
                evalError(new ScatterAdd(0), f64(shape(3), 0, 0, 0), i32(shape(2), 0, 5), f64(shape(2), 1, 1)));
    }

    @Test
    void iotaCountsAlongItsAxis() {
        assertArray(i64(shape(2, 3), 0, 1, 2, 0, 1, 2), eval(new Iota(type(DType.I64, 2, 3), 1)));
        assertArray(i32(shape(2, 3), 0, 0, 0, 1, 1, 1), eval(new Iota(type(DType.I32, 2, 3), 0)));
        assertArray(f32(shape(3), 0, 1, 2), eval(new Iota(type(DType.F32, 3), 0)));
    }

    @Test
    void randomUniformFollowsThePhiloxRecipe() {
        RandomOp op = new RandomOp(Distribution.UNIFORM, 42, type(DType.F32, 2, 3));
        NdArray y = eval(op);
        for (int i = 0; i < 6; i++) {
            assertEquals(Philox.uniform(42, 0, i), y.get(i));
            assertTrue(y.get(i) >= 0 && y.get(i) < 1);
        }
        assertArray(y, eval(op)); // same seed, same numbers
        assertNotEquals(y, eval(new RandomOp(Distribution.UNIFORM, 43, type(DType.F32, 2, 3))));
    }

    @Test
    void randomOffsetOperandChangesTheNumbers() {
        RandomOp op = new RandomOp(Distribution.UNIFORM, 42, type(DType.F64, 5));
        NdArray at7 = eval(op, i64(shape(), 7));
        for (int i = 0; i < 5; i++) {
            assertEquals(Philox.uniform(42, 7, i), at7.get(i));
        }
        assertArray(eval(op), eval(op, i64(shape(), 0))); // no operand means offset 0
        assertNotEquals(eval(op), at7);
    }

    @Test
    void randomNormalFollowsThePhiloxRecipe() {
        RandomOp op = new RandomOp(Distribution.NORMAL, 9, type(DType.F32, 7));
        NdArray y = eval(op, i64(shape(), 3));
        for (int i = 0; i < 7; i++) {
            assertEquals(Philox.normal(9, 3, i), y.get(i));
        }
        assertArray(y, eval(op, i64(shape(), 3)));
    }
}
