package dev.javelin.ir.interp;

import static dev.javelin.ir.interp.Support.assertArray;
import static dev.javelin.ir.interp.Support.assertClose;
import static dev.javelin.ir.interp.Support.bool;
import static dev.javelin.ir.interp.Support.eval;
import static dev.javelin.ir.interp.Support.evalError;
import static dev.javelin.ir.interp.Support.f32;
import static dev.javelin.ir.interp.Support.f64;
import static dev.javelin.ir.interp.Support.i32;
import static dev.javelin.ir.interp.Support.i64;
import static dev.javelin.ir.interp.Support.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import org.junit.jupiter.api.Test;

class ElementwiseTest {
    private static final double NAN = Double.NaN;
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final long IMAX = Integer.MAX_VALUE;
    private static final long IMIN = Integer.MIN_VALUE;

    private static NdArray un(UnaryFn fn, NdArray x) {
        return eval(new Unary(fn), x);
    }

    private static NdArray bin(BinaryFn fn, NdArray a, NdArray b) {
        return eval(new Binary(fn), a, b);
    }

    private static NdArray vec(double... v) {
        return f64(shape(v.length), v);
    }

    @Test
    void exactUnaryFunctions() {
        NdArray x = vec(-2, -0.5, 0, 0.5, 1, 4);
        assertArray(vec(2, 0.5, -0.0, -0.5, -1, -4), un(UnaryFn.NEG, x));
        assertArray(vec(2, 0.5, 0, 0.5, 1, 4), un(UnaryFn.ABS, x));
        assertArray(vec(-1, -1, 0, 1, 1, 1), un(UnaryFn.SIGN, x));
        assertArray(vec(0, 1, 2, 1.5), un(UnaryFn.SQRT, vec(0, 1, 4, 2.25)));
        assertArray(vec(1, 0.5, 2), un(UnaryFn.RSQRT, vec(1, 4, 0.25)));
        assertArray(vec(0.5, -0.25, INF), un(UnaryFn.RECIPROCAL, vec(2, -4, 0)));
        assertArray(vec(-2, -1, 0, 2), un(UnaryFn.FLOOR, vec(-1.5, -0.5, 0.5, 2)));
        assertArray(vec(-1, -0.0, 1, 2), un(UnaryFn.CEIL, vec(-1.5, -0.5, 0.5, 2)));
        assertArray(vec(NAN, -0.0), un(UnaryFn.SIGN, vec(NAN, -0.0)));
    }

    @Test
    void transcendentalFunctions() {
        assertClose(vec(1, 2.718281828459045), un(UnaryFn.EXP, vec(0, 1)), 1e-15);
        assertClose(vec(0, 1), un(UnaryFn.LOG, vec(1, 2.718281828459045)), 1e-15);
        assertClose(vec(1.00000000005e-10), un(UnaryFn.EXPM1, vec(1e-10)), 1e-15);
        assertClose(vec(9.999999999500001e-11), un(UnaryFn.LOG1P, vec(1e-10)), 1e-15);
        assertClose(vec(0.46211715726000974), un(UnaryFn.TANH, vec(0.5)), 1e-15);
        assertClose(
                vec(0.8414709848078965, 0.5403023058681398),
                f64(
                        shape(2),
                        un(UnaryFn.SIN, vec(1)).get(0),
                        un(UnaryFn.COS, vec(1)).get(0)),
                1e-15);
        assertClose(vec(0.5204998778130465, -0.8427007929497149), un(UnaryFn.ERF, vec(0.5, -1)), 1e-15);
    }

    @Test
    void sigmoidIsStableForLargeMagnitudes() {
        NdArray y = un(UnaryFn.SIGMOID, vec(0, 2, -2, -40, 800, -800, NAN));
        assertClose(vec(0.5, 0.8807970779778823, 0.11920292202211755, 4.248354255291589e-18, 1, 0, NAN), y, 1e-15);
        // Relative accuracy in the far tail, where 1 - sigmoid(40) would have lost every digit.
        assertEquals(4.248354255291589e-18, y.get(3), 1e-32);
    }

    @Test
    void integerUnaryWraps() {
        assertArray(i32(shape(4), 3, 0, -5, IMIN), un(UnaryFn.NEG, i32(shape(4), -3, 0, 5, IMIN)));
        assertArray(i32(shape(4), 3, 0, 5, IMIN), un(UnaryFn.ABS, i32(shape(4), -3, 0, 5, IMIN)));
        assertArray(i64(shape(3), -1, 0, 1), un(UnaryFn.SIGN, i64(shape(3), Long.MIN_VALUE, 0, 7)));
        assertArray(i64(shape(1), Long.MIN_VALUE), un(UnaryFn.NEG, i64(shape(1), Long.MIN_VALUE)));
    }

    @Test
    void notOnBools() {
        assertArray(bool(shape(2), 0, 1), un(UnaryFn.NOT, bool(shape(2), 1, 0)));
    }

    @Test
    void broadcastsAScalar() {
        assertArray(
                f64(shape(2, 3), 11, 12, 13, 14, 15, 16),
                bin(BinaryFn.ADD, f64(shape(2, 3), 1, 2, 3, 4, 5, 6), f64(shape(), 10)));
        assertArray(
                f64(shape(2, 3), 9, 8, 7, 6, 5, 4),
                bin(BinaryFn.SUB, f64(shape(), 10), f64(shape(2, 3), 1, 2, 3, 4, 5, 6)));
    }

    @Test
    void broadcastsARow() {
        assertArray(
                f64(shape(2, 3), 11, 22, 33, 14, 25, 36),
                bin(BinaryFn.ADD, f64(shape(2, 3), 1, 2, 3, 4, 5, 6), f64(shape(3), 10, 20, 30)));
    }

    @Test
    void broadcastsAColumn() {
        assertArray(
                f64(shape(2, 3), 100, 200, 300, 800, 1000, 1200),
                bin(BinaryFn.MUL, f64(shape(2, 3), 1, 2, 3, 4, 5, 6), f64(shape(2, 1), 100, 200)));
    }

    @Test
    void broadcastsBothSides() {
        assertArray(
                f64(shape(2, 3), 11, 21, 31, 12, 22, 32),
                bin(BinaryFn.ADD, f64(shape(2, 1), 1, 2), f64(shape(1, 3), 10, 20, 30)));
        // Lower rank on the right, and a non-commutative function so the operand order shows.
        assertArray(
                f64(shape(2, 3), 9, 8, 7, 19, 18, 17),
                bin(BinaryFn.SUB, f64(shape(2, 1), 10, 20), f64(shape(3), 1, 2, 3)));
    }

    @Test
    void emptyDimensions() {
        NdArray y = bin(BinaryFn.ADD, f64(shape(0, 3)), f64(shape(3), 1, 2, 3));
        assertArray(f64(shape(0, 3)), y);
        assertArray(f64(shape(2, 0)), bin(BinaryFn.MUL, f64(shape(2, 1), 1, 2), f64(shape(1, 0))));
        assertArray(f64(shape(0, 3)), un(UnaryFn.EXP, f64(shape(0, 3))));
    }

    @Test
    void nanAndInfinityPropagate() {
        assertArray(vec(NAN, NAN, INF, NAN), bin(BinaryFn.ADD, vec(INF, 1, INF, NAN), vec(-INF, NAN, 1, NAN)));
        assertArray(vec(NAN, -INF, NAN), bin(BinaryFn.MUL, vec(0, -2, NAN), vec(INF, INF, 1)));
        assertArray(vec(INF, -INF, NAN), bin(BinaryFn.DIV, vec(1, -1, 0), vec(0, 0, 0)));
        assertArray(vec(INF, 0, NAN, INF), un(UnaryFn.EXP, vec(INF, -INF, NAN, 1000)));
        assertArray(vec(-INF, NAN, NAN), un(UnaryFn.LOG, vec(0, -1, NAN)));
        assertArray(vec(NAN, -0.0), un(UnaryFn.SQRT, vec(-1, -0.0)));
    }

    @Test
    void maxAndMinPropagateNaN() {
        assertArray(vec(NAN, NAN, 2, 0), bin(BinaryFn.MAX, vec(NAN, 1, 2, -0.0), vec(1, NAN, -INF, 0)));
        assertArray(vec(NAN, NAN, -INF, -0.0), bin(BinaryFn.MIN, vec(NAN, 1, 2, -0.0), vec(1, NAN, -INF, 0)));
        assertArray(
                i64(shape(2), 5, Long.MAX_VALUE),
                bin(BinaryFn.MAX, i64(shape(2), 5, Long.MAX_VALUE), i64(shape(2), -7, Long.MAX_VALUE - 1)));
    }

    @Test
    void powFollowsC() {
        assertArray(
                vec(8, 2, 1, 1, 1, NAN, INF, 1),
                bin(BinaryFn.POW, vec(2, 4, 1, -1, NAN, -8, 0, 1), vec(3, 0.5, NAN, INF, 0, 1.0 / 3, -1, -INF)));
    }

    @Test
    void i32ArithmeticWraps() {
        NdArray a = i32(shape(5), IMAX, IMIN, 65536, 100000, IMIN);
        assertArray(
                i32(shape(5), IMIN, IMAX, 65537, 100001, IMIN + 1),
                bin(BinaryFn.ADD, a, i32(shape(5), 1, -1, 1, 1, 1)));
        assertArray(i32(shape(2), IMAX, IMIN), bin(BinaryFn.SUB, i32(shape(2), IMIN, IMAX), i32(shape(2), 1, -1)));
        // 2^32 wraps to 0; 10^10 mod 2^32 = 1410065408.
        assertArray(
                i32(shape(2), 0, 1410065408),
                bin(BinaryFn.MUL, i32(shape(2), 65536, 100000), i32(shape(2), 65536, 100000)));
        assertArray(i32(shape(1), IMIN), bin(BinaryFn.DIV, i32(shape(1), IMIN), i32(shape(1), -1)));
    }

    @Test
    void i64ArithmeticIsExactAndWraps() {
        long big = (1L << 53) + 1; // not a double
        assertArray(
                i64(shape(2), big + 2, Long.MIN_VALUE),
                bin(BinaryFn.ADD, i64(shape(2), big, Long.MAX_VALUE), i64(shape(2), 2, 1)));
        assertArray(i64(shape(1), 3), bin(BinaryFn.SUB, i64(shape(1), big), i64(shape(1), big - 3)));
    }

    @Test
    void integerDivisionTruncatesTowardZero() {
        assertArray(
                i32(shape(5), 3, -3, -3, 3, 0),
                bin(BinaryFn.DIV, i32(shape(5), 7, -7, 7, -7, -1), i32(shape(5), 2, 2, -2, -2, 3)));
        assertArray(i64(shape(2), -2, 2), bin(BinaryFn.DIV, i64(shape(2), -5, 5), i64(shape(1), 2)));
    }

    @Test
    void integerDivisionByZeroIsAnError() {
        assertEquals(
                "node %y (div): integer division by zero at result index [1, 0] (3 / 0)",
                evalError(new Binary(BinaryFn.DIV), i32(shape(2, 2), 1, 2, 3, 4), i32(shape(2, 1), 1, 0)));
    }

    @Test
    void comparisons() {
        NdArray a = vec(1, NAN, 3, 2);
        NdArray b = vec(1, 1, 2, 5);
        assertArray(bool(shape(4), 1, 0, 0, 0), bin(BinaryFn.EQ, a, b));
        assertArray(bool(shape(4), 0, 1, 1, 1), bin(BinaryFn.NE, a, b));
        assertArray(bool(shape(4), 0, 0, 0, 1), bin(BinaryFn.LT, a, b));
        assertArray(bool(shape(4), 1, 0, 0, 1), bin(BinaryFn.LE, a, b));
        assertArray(bool(shape(4), 0, 0, 1, 0), bin(BinaryFn.GT, a, b));
        assertArray(bool(shape(4), 1, 0, 1, 0), bin(BinaryFn.GE, a, b));
        // 2^53 and 2^53 + 1 are one double; as i64 they differ.
        long p = 1L << 53;
        assertArray(bool(shape(2), 0, 1), bin(BinaryFn.EQ, i64(shape(2), p, p), i64(shape(2), p + 1, p)));
        assertArray(bool(shape(2), 1, 0), bin(BinaryFn.LT, i64(shape(2), p, p), i64(shape(2), p + 1, p)));
        assertArray(bool(shape(2), 1, 0), bin(BinaryFn.GT, bool(shape(2), 1, 0), bool(shape(1), 0)));
    }

    @Test
    void logicalFunctions() {
        NdArray a = bool(shape(4), 0, 0, 1, 1);
        NdArray b = bool(shape(4), 0, 1, 0, 1);
        assertArray(bool(shape(4), 0, 0, 0, 1), bin(BinaryFn.AND, a, b));
        assertArray(bool(shape(4), 0, 1, 1, 1), bin(BinaryFn.OR, a, b));
    }

    @Test
    void selectBroadcastsAllThree() {
        assertArray(
                f64(shape(2, 3), 1, 2, 3, 9, 9, 9),
                eval(new Select(), bool(shape(2, 1), 1, 0), f64(shape(3), 1, 2, 3), f64(shape(), 9)));
        long big = (1L << 53) + 1;
        assertArray(
                i64(shape(2), big, -big),
                eval(new Select(), bool(shape(2), 1, 0), i64(shape(2), big, 0), i64(shape(1), -big)));
    }

    @Test
    void castFloatToI32TruncatesAndSaturates() {
        assertArray(
                i32(shape(8), 2, -2, 0, IMAX, IMIN, IMAX, IMIN, 0),
                eval(new Cast(DType.I32), vec(2.7, -2.7, NAN, 1e10, -1e10, INF, -INF, -0.5)));
    }

    @Test
    void castFloatToI64TruncatesAndSaturates() {
        assertArray(
                i64(shape(5), 3, -3, Long.MAX_VALUE, Long.MIN_VALUE, 0),
                eval(new Cast(DType.I64), f32(shape(5), 3.9, -3.9, 1e19, -INF, NAN)));
    }

    @Test
    void castToBoolIsNonZero() {
        assertArray(bool(shape(5), 0, 0, 1, 1, 1), eval(new Cast(DType.BOOL), vec(0, -0.0, 0.5, NAN, -INF)));
        assertArray(bool(shape(3), 0, 1, 1), eval(new Cast(DType.BOOL), i64(shape(3), 0, 7, -1)));
    }

    @Test
    void castFromBoolGivesZeroOrOne() {
        assertArray(f32(shape(2), 1, 0), eval(new Cast(DType.F32), bool(shape(2), 1, 0)));
        assertArray(i32(shape(2), 1, 0), eval(new Cast(DType.I32), bool(shape(2), 1, 0)));
    }

    @Test
    void castBetweenIntegersWrapsAndToFloatIsExact() {
        assertArray(i32(shape(3), 5, IMIN, -1), eval(new Cast(DType.I32), i64(shape(3), (1L << 32) + 5, 1L << 31, -1)));
        assertArray(i64(shape(2), IMIN, IMAX), eval(new Cast(DType.I64), i32(shape(2), IMIN, IMAX)));
        assertArray(vec(-3, 1L << 52), eval(new Cast(DType.F64), i64(shape(2), -3, 1L << 52)));
    }

    @Test
    void castAgreesWithNdArrayCast() {
        NdArray[] sources = {
            vec(2.7, -2.7, NAN, 1e10, -1e10, INF, -INF, -0.5, 0),
            i64(shape(5), (1L << 32) + 5, Long.MIN_VALUE, -1, 0, (1L << 53) + 1),
            i32(shape(3), IMIN, IMAX, 0),
            bool(shape(2), 1, 0),
        };
        for (NdArray x : sources) {
            for (DType to : DType.values()) {
                assertArray(x.cast(to), eval(new Cast(to), x));
            }
        }
    }

    @Test
    void castBetweenFloatsKeepsTheFloat64Value() {
        NdArray y = eval(new Cast(DType.F32), vec(0.1));
        assertEquals(0.1, y.get(0)); // not 0.10000000149011612: the interpreter is the float64 ideal
        assertEquals(DType.F32, y.dtype());
    }
}
