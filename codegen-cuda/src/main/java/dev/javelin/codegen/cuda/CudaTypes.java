package dev.javelin.codegen.cuda;

import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.type.DType;

/** CUDA C types, literals and element sizes of the dtypes the CUDA backend handles. */
final class CudaTypes {
    private CudaTypes() {}

    /** The C type a value of {@code t} computes in. */
    static String type(DType t) {
        return switch (t) {
            case F32 -> "float";
            case F64 -> "double";
            case I32 -> "int";
            case I64 -> "long long";
            case BOOL -> "bool";
            case F16, BF16 -> throw unsupported(t);
        };
    }

    /** The C type an element of {@code t} is stored as (bool is one byte). */
    static String storage(DType t) {
        return t == DType.BOOL ? "unsigned char" : type(t);
    }

    static int size(DType t) {
        return switch (t) {
            case F64, I64 -> 8;
            case F32, I32 -> 4;
            case BOOL -> 1;
            case F16, BF16 -> throw unsupported(t);
        };
    }

    /** The name of the typed view of the whole memory block, {@code mf} for f32 and so on. */
    static String memoryView(DType t) {
        return switch (t) {
            case F32 -> "mf";
            case F64 -> "md";
            case I32 -> "mi";
            case I64 -> "ml";
            case BOOL -> "mb";
            case F16, BF16 -> throw unsupported(t);
        };
    }

    /** An exact literal: hexadecimal floats, so no decimal rounding changes a constant. */
    static String literal(DType t, double v) {
        return switch (t) {
            case F32 -> floatLiteral((float) v);
            case F64 -> doubleLiteral(v);
            case I32 -> Integer.toString((int) v);
            case I64 -> (long) v + "LL";
            case BOOL -> v != 0 ? "true" : "false";
            case F16, BF16 -> throw unsupported(t);
        };
    }

    static String floatLiteral(float f) {
        if (Float.isNaN(f)) {
            return "__uint_as_float(0x7fc00000u)";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "__uint_as_float(0x7f800000u)" : "__uint_as_float(0xff800000u)";
        }
        return Float.toHexString(f) + "f";
    }

    static String doubleLiteral(double d) {
        if (Double.isNaN(d)) {
            return "__longlong_as_double(0x7ff8000000000000LL)";
        }
        if (Double.isInfinite(d)) {
            return d > 0
                    ? "__longlong_as_double(0x7ff0000000000000LL)"
                    : "__longlong_as_double((long long) 0xfff0000000000000ULL)";
        }
        return Double.toHexString(d);
    }

    static UnsupportedKernelException unsupported(DType t) {
        return new UnsupportedKernelException(
                t.text() + " tensors are not supported by the CUDA backend yet (f32, f64, i32, i64 and bool are)");
    }
}
