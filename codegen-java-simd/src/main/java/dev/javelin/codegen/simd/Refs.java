package dev.javelin.codegen.simd;

import dev.javelin.ir.kernel.Ref;
import dev.javelin.ir.type.DType;

/**
 * How Java reads and writes a {@link Ref}: f32 program memory is the float[] {@code m}; other
 * dtypes of the program memory go through {@code s}, a memory segment over the same array, indexed
 * by element of the dtype; arrays of the generated class are indexed directly.
 */
final class Refs {
    private Refs() {}

    static Ref memory(DType dtype) {
        return new Ref(dtype == DType.F32 ? "m" : "s", dtype, Ref.Kind.MEMORY, false);
    }

    /** Whether vector loads and stores apply (f32 in an array). */
    static boolean vectorizable(Ref r) {
        return r.dtype() == DType.F32;
    }

    private static boolean segment(Ref r) {
        return r.kind() == Ref.Kind.MEMORY && r.dtype() != DType.F32;
    }

    static String load(Ref r, String index) {
        if (!segment(r)) {
            return r.array() + "[" + index + "]";
        }
        return switch (r.dtype()) {
            case BOOL -> "(s.get(ValueLayout.JAVA_BYTE, " + index + ") != 0)";
            case F16 -> "CpuMath.fromF16(s.getAtIndex(" + JavaTypes.layout(r.dtype()) + ", " + index + "))";
            case BF16 -> "CpuMath.fromBf16(s.getAtIndex(" + JavaTypes.layout(r.dtype()) + ", " + index + "))";
            default -> "s.getAtIndex(" + JavaTypes.layout(r.dtype()) + ", " + index + ")";
        };
    }

    /** Half floats arrive already rounded; arrays keep them as doubles, memory as their 16 bits. */
    static String store(Ref r, String index, String value) {
        if (r.kind() == Ref.Kind.MEMORY && r.dtype() == DType.F32) {
            return r.array() + "[" + index + "] = " + value + ";";
        }
        if (r.kind() == Ref.Kind.ARRAY) {
            return r.array() + "[" + index + "] = " + JavaTypes.rounded(r.dtype(), value) + ";";
        }
        return switch (r.dtype()) {
            case BOOL -> "s.set(ValueLayout.JAVA_BYTE, " + index + ", (byte) (" + value + " ? 1 : 0));";
            case F16, BF16 ->
                "s.setAtIndex(" + JavaTypes.layout(r.dtype()) + ", " + index + ", CpuMath.to"
                        + (r.dtype() == DType.F16 ? "F16" : "Bf16") + "(" + value + "));";
            default -> "s.setAtIndex(" + JavaTypes.layout(r.dtype()) + ", " + index + ", " + value + ");";
        };
    }
}
