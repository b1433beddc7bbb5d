package dev.javelin.ir.autodiff;

import static dev.javelin.ir.autodiff.GradCheck.arg;
import static dev.javelin.ir.autodiff.GradCheck.awayFromZero;
import static dev.javelin.ir.autodiff.GradCheck.check;
import static dev.javelin.ir.autodiff.GradCheck.grid;
import static dev.javelin.ir.autodiff.GradCheck.shape;
import static dev.javelin.ir.autodiff.GradCheck.uniform;

import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Gradient checks of every float unary and binary function, select and cast. */
class ElementwiseGradientTest {

    @AfterAll
    static void report() {
        System.out.println("[gradcheck] worst relative error so far: " + GradCheck.worst());
    }

    /** Inputs inside each function's domain and away from its kinks and jumps. */
    private static NdArray domain(UnaryFn fn, Random r) {
        long[] s = shape(3, 4);
        return switch (fn) {
            case LOG, SQRT, RSQRT, RECIPROCAL -> uniform(r, s, 0.3, 2);
            case LOG1P -> uniform(r, s, -0.5, 2);
            case ABS, SIGN -> awayFromZero(r, s, 0.2, 1.5);
            // Fractions in [0.2, 0.8]: far from the jumps at the integers.
            case FLOOR, CEIL -> {
                NdArray a = uniform(r, s, 0.2, 0.8);
                for (int i = 0; i < a.size(); i++) {
                    a.set(i, a.get(i) + r.nextInt(7) - 3);
                }
                yield a;
            }
            default -> uniform(r, s, -1.5, 1.5);
        };
    }

    @ParameterizedTest
    @EnumSource(value = UnaryFn.class, mode = EnumSource.Mode.EXCLUDE, names = "NOT")
    void unary(UnaryFn fn) {
        Random r = new Random(fn.ordinal());
        check("unary_" + fn.text(), (b, x) -> b.unary(fn, x.get(0)), arg(domain(fn, r)));
    }

    /** a [2,3,4] against b [3,1], so both operands' gradients are summed back over broadcast axes. */
    @ParameterizedTest
    @EnumSource(
            value = BinaryFn.class,
            names = {"ADD", "SUB", "MUL", "DIV", "POW", "MAX", "MIN"})
    void binaryWithBroadcasting(BinaryFn fn) {
        Random r = new Random(fn.ordinal());
        long[] as = shape(2, 3, 4);
        long[] bs = shape(3, 1);
        NdArray a;
        NdArray b;
        switch (fn) {
            // Positive bases: the exponent's derivative a^b log a is defined there.
            case POW -> {
                a = uniform(r, as, 0.5, 2);
                b = uniform(r, bs, -1.5, 1.5);
            }
            case DIV -> {
                a = uniform(r, as, -1.5, 1.5);
                b = awayFromZero(r, bs, 0.5, 1.5);
            }
            // Odd and even multiples of 0.05: every pair differs by at least 0.05, so no ties.
            case MAX, MIN -> {
                a = grid(r, as, 0.1, true);
                b = grid(r, bs, 0.1, false);
            }
            default -> {
                a = uniform(r, as, -1.5, 1.5);
                b = uniform(r, bs, -1.5, 1.5);
            }
        }
        check("binary_" + fn.text(), (g, x) -> g.binary(fn, x.get(0), x.get(1)), arg(a), arg(b));
    }

    /** The other direction of broadcasting: the first operand is the smaller one. */
    @ParameterizedTest
    @EnumSource(
            value = BinaryFn.class,
            names = {"SUB", "DIV", "POW"})
    void binaryWithTheFirstOperandBroadcast(BinaryFn fn) {
        Random r = new Random(100 + fn.ordinal());
        NdArray a = uniform(r, shape(4), 0.5, 2);
        NdArray b = uniform(r, shape(3, 4), 0.5, 1.5);
        check("binary_first_" + fn.text(), (g, x) -> g.binary(fn, x.get(0), x.get(1)), arg(a), arg(b));
    }

    @Test
    void sameOperandTwice() {
        Random r = new Random(7);
        check("mul_self", (b, x) -> b.binary(BinaryFn.MUL, x.get(0), x.get(0)), arg(uniform(r, shape(5), -2, 2)));
    }

    @Test
    void select() {
        Random r = new Random(11);
        NdArray cond = NdArray.zeros(DType.BOOL, 2, 3, 4);
        for (int i = 0; i < cond.size(); i++) {
            cond.set(i, r.nextBoolean() ? 1 : 0);
        }
        check(
                "select",
                (b, x) -> b.select(x.get(0), x.get(1), x.get(2)),
                arg(cond),
                arg(uniform(r, shape(2, 3, 4), -1, 1)),
                arg(uniform(r, shape(3, 1), -1, 1)));
    }

    @Test
    void castF32ToF64() {
        Random r = new Random(13);
        check(
                "cast_f32_f64",
                (b, x) -> b.unary(UnaryFn.SIN, b.cast(x.get(0), DType.F64)),
                arg(uniform(r, DType.F32, shape(3, 4), -1, 1)));
    }

    @Test
    void castF64ToF32AndToTheSameDtype() {
        Random r = new Random(17);
        check(
                "cast_f64_f32",
                (b, x) -> b.cast(b.unary(UnaryFn.TANH, b.cast(x.get(0), DType.F32)), DType.F32),
                arg(uniform(r, shape(6), -1, 1)));
    }
}
