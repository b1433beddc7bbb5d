package dev.javelin.codegen.simd;

import dev.javelin.ir.type.DType;

/** The Java side of each dtype: its type, its memory layout, its literals. */
final class JavaTypes {
    private JavaTypes() {}

    static String type(DType t) {
        return switch (t) {
            case F32 -> "float";
            case F64 -> "double";
            case I32 -> "int";
            case I64 -> "long";
            case BOOL -> "boolean";
            // Half floats compute in double and round after every op, exactly as the interpreter does.
            case F16, BF16 -> "double";
        };
    }

    static String layout(DType t) {
        return switch (t) {
            case F32 -> "ValueLayout.JAVA_FLOAT_UNALIGNED";
            case F64 -> "ValueLayout.JAVA_DOUBLE_UNALIGNED";
            case I32 -> "ValueLayout.JAVA_INT_UNALIGNED";
            case I64 -> "ValueLayout.JAVA_LONG_UNALIGNED";
            case BOOL -> "ValueLayout.JAVA_BYTE";
            case F16, BF16 -> "ValueLayout.JAVA_SHORT_UNALIGNED";
        };
    }

    /** An exact Java literal of {@code v} in dtype {@code t}. */
    static String literal(DType t, double v) {
        return switch (t) {
            case F32 -> floatLiteral((float) v);
            case F64 -> doubleLiteral(v);
            case I32 -> Integer.toString((int) v);
            case I64 -> (long) v + "L";
            case BOOL -> v != 0 ? "true" : "false";
            case F16, BF16 -> doubleLiteral(t.round(v));
        };
    }

    static String floatLiteral(float f) {
        if (Float.isNaN(f)) {
            return "Float.NaN";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY";
        }
        if (f == (long) f && Math.abs(f) < 1e7 && !(f == 0 && 1 / f < 0)) {
            return (long) f + "f";
        }
        return Float.toHexString(f) + "f";
    }

    static String doubleLiteral(double d) {
        if (Double.isNaN(d)) {
            return "Double.NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
        }
        if (d == (long) d && Math.abs(d) < 1e15 && !(d == 0 && 1 / d < 0)) {
            return (long) d + ".0";
        }
        return Double.toHexString(d);
    }

    /** {@code text} (a double) rounded to a half-float dtype, as the interpreter rounds every result. */
    static String rounded(DType t, String text) {
        return switch (t) {
            case F16 -> "CpuMath.roundF16(" + text + ")";
            case BF16 -> "CpuMath.roundBf16(" + text + ")";
            default -> text;
        };
    }

    /** Bytes per element in the program's memory. */
    static int size(DType t) {
        return t == DType.BOOL ? 1 : t.byteSize();
    }
}
