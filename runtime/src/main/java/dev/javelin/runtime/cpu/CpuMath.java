package dev.javelin.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Scalar functions generated kernels call where Java's Math has no exact match: the reference
 * interpreter's semantics (C99 pow, an overflow-free sigmoid, erf).
 */
public final class CpuMath {
    private CpuMath() {}

    /** C99 pow: Java's Math.pow except pow(1, y) = 1 and pow(-1, ±inf) = 1. */
    public static double pow(double x, double y) {
        if (x == 1 || (x == -1 && Double.isInfinite(y))) {
            return 1;
        }
        return Math.pow(x, y);
    }

    /** exp only of a non-positive number, so no inf/inf. */
    public static double sigmoid(double v) {
        if (v >= 0) {
            return 1 / (1 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1 + e);
    }

    /**
     * erf to about 1e-15 relative: the Taylor series near 0 and the continued fraction of erfc
     * (Lentz's method) further out, both summed in double.
     */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        if (a < 2.5) {
            double term = a;
            double sum = a;
            double x2 = a * a;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            return Math.copySign(sum * 2 / Math.sqrt(Math.PI), x);
        }
        if (a > 6) {
            return Math.copySign(1, x);
        }
        // erfc(a) = exp(-a^2)/sqrt(pi) * 1/(a + 1/2/(a + 1/(a + 3/2/(a + ...)))).
        double tiny = 1e-300;
        double f = a;
        double c = a;
        double d = 0;
        for (int n = 1; n < 300; n++) {
            double an = n / 2.0;
            d = a + an * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = a + an / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        double erfc = Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
        return Math.copySign(1 - erfc, x);
    }

    private static final float TWO_OVER_SQRT_PI = 1.1283791670955126f;

    /**
     * erf of an f32, to a few f32 ulps (within 2e-7 of the double {@link #erf(double)}; tested):
     * below 0.5 the odd Taylor polynomial to x^11 (truncation under 2e-8), above it {@code 1 -
     * erfc} with Numerical Recipes' Chebyshev fit of erfc (fractional error under 1.2e-7). A fixed
     * amount of float arithmetic and one exp, in the same steps as {@link #erf(FloatVector)}, so the
     * vector loop and its scalar tail agree; the double version's series takes up to 200 terms.
     */
    public static float erf(float x) {
        float a = Math.abs(x);
        if (a < 0.5f) {
            float x2 = x * x;
            return x * TWO_OVER_SQRT_PI * smallPoly(x2);
        }
        float t = 1 / (1 + 0.5f * a);
        float erfc = t * (float) Math.exp(-a * a + erfcPoly(t));
        return Math.copySign(1 - erfc, x);
    }

    /** {@link #erf(float)} lane by lane, in the same steps (NaN stays NaN, ±inf gives ±1). */
    public static FloatVector erf(FloatVector x) {
        FloatVector one = x.broadcast(1f);
        FloatVector a = x.abs();
        FloatVector x2 = x.mul(x);
        FloatVector small = x.mul(TWO_OVER_SQRT_PI).mul(smallPoly(x2));
        FloatVector t = one.div(a.mul(0.5f).add(1f));
        FloatVector erfc = t.mul(a.mul(a).neg().add(erfcPoly(t)).lanewise(VectorOperators.EXP));
        FloatVector big = one.sub(erfc);
        big = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        return big.blend(small, a.compare(VectorOperators.LT, 0.5f));
    }

    /** 1 - x²/3 + x⁴/10 - x⁶/42 + x⁸/216 - x¹⁰/1320, of {@code x2 = x²}, by Horner's rule in fused multiply-adds. */
    private static float smallPoly(float x2) {
        float p = -1 / 1320f;
        p = Math.fma(p, x2, 1 / 216f);
        p = Math.fma(p, x2, -1 / 42f);
        p = Math.fma(p, x2, 1 / 10f);
        p = Math.fma(p, x2, -1 / 3f);
        p = Math.fma(p, x2, 1f);
        return p;
    }

    private static FloatVector smallPoly(FloatVector x2) {
        FloatVector p = x2.broadcast(-1 / 1320f);
        p = p.fma(x2, x2.broadcast(1 / 216f));
        p = p.fma(x2, x2.broadcast(-1 / 42f));
        p = p.fma(x2, x2.broadcast(1 / 10f));
        p = p.fma(x2, x2.broadcast(-1 / 3f));
        p = p.fma(x2, x2.broadcast(1f));
        return p;
    }

    /**
     * The Chebyshev part of Numerical Recipes' erfc: erfc(a) = t exp(-a² + this), t = 1/(1 + a/2); by
     * Horner's rule in fused multiply-adds (one rounding per step, as the vector form).
     */
    private static float erfcPoly(float t) {
        float p = 0.17087277f;
        p = Math.fma(p, t, -0.82215223f);
        p = Math.fma(p, t, 1.48851587f);
        p = Math.fma(p, t, -1.13520398f);
        p = Math.fma(p, t, 0.27886807f);
        p = Math.fma(p, t, -0.18628806f);
        p = Math.fma(p, t, 0.09678418f);
        p = Math.fma(p, t, 0.37409196f);
        p = Math.fma(p, t, 1.00002368f);
        p = Math.fma(p, t, -1.26551223f);
        return p;
    }

    private static FloatVector erfcPoly(FloatVector t) {
        FloatVector p = t.broadcast(0.17087277f);
        p = p.fma(t, t.broadcast(-0.82215223f));
        p = p.fma(t, t.broadcast(1.48851587f));
        p = p.fma(t, t.broadcast(-1.13520398f));
        p = p.fma(t, t.broadcast(0.27886807f));
        p = p.fma(t, t.broadcast(-0.18628806f));
        p = p.fma(t, t.broadcast(0.09678418f));
        p = p.fma(t, t.broadcast(0.37409196f));
        p = p.fma(t, t.broadcast(1.00002368f));
        p = p.fma(t, t.broadcast(-1.26551223f));
        return p;
    }

    /** {@code v} rounded to the nearest f16 (ties to even), as a double: the interpreter's rounding. */
    public static double roundF16(double v) {
        return Float.float16ToFloat(Float.floatToFloat16(roundToOdd(v)));
    }

    /** {@code v} rounded to the nearest bf16 (ties to even), as a double. */
    public static double roundBf16(double v) {
        return Float.intBitsToFloat(bf16Bits(roundToOdd(v)) << 16);
    }

    public static short toF16(double v) {
        return Float.floatToFloat16(roundToOdd(v));
    }

    public static short toBf16(double v) {
        return (short) bf16Bits(roundToOdd(v));
    }

    public static double fromF16(short bits) {
        return Float.float16ToFloat(bits);
    }

    public static double fromBf16(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    private static int bf16Bits(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (bits >>> 16) | 0x40;
        }
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
    }

    /**
     * {@code v} as a float rounded to odd (truncated, last bit set if anything was cut off): rounding
     * that to 16 bits gives the correctly rounded result, where {@code (float) v} would round twice.
     */
    private static float roundToOdd(double v) {
        float f = (float) v;
        if (Double.isNaN(v) || Float.isInfinite(f) || (double) f == v) {
            return f;
        }
        float t = Math.abs((double) f) > Math.abs(v) ? Math.nextAfter(f, 0.0) : f;
        return Float.intBitsToFloat(Float.floatToRawIntBits(t) | 1);
    }
}
