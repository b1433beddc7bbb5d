package dev.javelin.ir.type;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Rounding a double to f16 and bf16 happens once, correctly, not twice through float. */
class DTypeRoundTest {

    @Test
    void f16RoundsOnceLikeNumpy() {
        // Through float first this would round to 1.0 (a tie), but the exact value lies above the tie.
        double v = 1 + Math.scalb(1.0, -11) + Math.scalb(1.0, -30);
        assertEquals(1 + Math.scalb(1.0, -10), DType.F16.round(v));
        assertEquals(1.0, DType.F16.round(1 + Math.scalb(1.0, -11)), "an exact tie rounds to even");
        assertEquals(65504.0, DType.F16.round(65519.0));
        assertEquals(Double.POSITIVE_INFINITY, DType.F16.round(65520.0));
        assertEquals(Math.scalb(1.0, -24), DType.F16.round(Math.scalb(1.0, -24) * 1.4), "subnormal");
    }

    @Test
    void bf16RoundsOnce() {
        double v = 1 + Math.scalb(1.0, -8) + Math.scalb(1.0, -40);
        assertEquals(1 + Math.scalb(1.0, -7), DType.BF16.round(v));
        assertEquals(1.0, DType.BF16.round(1 + Math.scalb(1.0, -8)), "an exact tie rounds to even");
        assertEquals(-3.140625, DType.BF16.round(-Math.PI));
        assertEquals(Double.NaN, DType.BF16.round(Double.NaN));
    }
}
