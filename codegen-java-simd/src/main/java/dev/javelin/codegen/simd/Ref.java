package dev.javelin.codegen.simd;

import dev.javelin.ir.type.DType;

/**
 * Where elements live: the program's memory ({@code m}, a float[] holding the arena, inputs,
 * parameters and packed buffers; other dtypes are read through {@code s}, a memory segment over
 * the same array) or a Java array of the generated class (scratch space, constants).
 */
record Ref(String array, DType dtype, Kind kind, boolean produced) {
    enum Kind {
        /** f32 elements of {@code m}, indexed by float. */
        MEMORY_F32,
        /** Other dtypes in {@code m}, through the segment {@code s}, indexed by element of the dtype. */
        MEMORY_SEGMENT,
        /** A Java array field of the generated class, of the dtype's Java type. */
        ARRAY
    }

    static Ref memory(DType dtype) {
        return dtype == DType.F32
                ? new Ref("m", dtype, Kind.MEMORY_F32, false)
                : new Ref("s", dtype, Kind.MEMORY_SEGMENT, false);
    }

    Ref asProduced() {
        return new Ref(array, dtype, kind, true);
    }

    /** Whether vector loads and stores apply (f32 in an array). */
    boolean vectorizable() {
        return dtype == DType.F32;
    }

    String load(String index) {
        return switch (kind) {
            case MEMORY_F32, ARRAY -> array + "[" + index + "]";
            case MEMORY_SEGMENT ->
                switch (dtype) {
                    case BOOL -> "(s.get(ValueLayout.JAVA_BYTE, " + index + ") != 0)";
                    case F16 -> "CpuMath.fromF16(s.getAtIndex(" + JavaTypes.layout(dtype) + ", " + index + "))";
                    case BF16 -> "CpuMath.fromBf16(s.getAtIndex(" + JavaTypes.layout(dtype) + ", " + index + "))";
                    default -> "s.getAtIndex(" + JavaTypes.layout(dtype) + ", " + index + ")";
                };
        };
    }

    /** Half floats arrive already rounded; arrays keep them as doubles, memory as their 16 bits. */
    String store(String index, String value) {
        return switch (kind) {
            case MEMORY_F32 -> array + "[" + index + "] = " + value + ";";
            case ARRAY -> array + "[" + index + "] = " + JavaTypes.rounded(dtype, value) + ";";
            case MEMORY_SEGMENT ->
                switch (dtype) {
                    case BOOL -> "s.set(ValueLayout.JAVA_BYTE, " + index + ", (byte) (" + value + " ? 1 : 0));";
                    case F16, BF16 ->
                        "s.setAtIndex(" + JavaTypes.layout(dtype) + ", " + index + ", CpuMath.to"
                                + (dtype == DType.F16 ? "F16" : "Bf16") + "(" + value + "));";
                    default -> "s.setAtIndex(" + JavaTypes.layout(dtype) + ", " + index + ", " + value + ");";
                };
        };
    }
}
