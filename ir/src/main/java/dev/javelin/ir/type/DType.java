package dev.javelin.ir.type;

/**
 * Element types of tensors. The text name ({@code f32}, {@code bf16}, ...) is the one the IR text
 * form, error messages and generated code use.
 */
public enum DType {
    F32("f32", 4, Kind.FLOAT),
    F64("f64", 8, Kind.FLOAT),
    F16("f16", 2, Kind.FLOAT),
    BF16("bf16", 2, Kind.FLOAT),
    I32("i32", 4, Kind.INTEGER),
    I64("i64", 8, Kind.INTEGER),
    BOOL("bool", 1, Kind.BOOL);

    /** What arithmetic means for a dtype. */
    public enum Kind {
        FLOAT,
        INTEGER,
        BOOL
    }

    private final String text;
    private final int byteSize;
    private final Kind kind;

    DType(String text, int byteSize, Kind kind) {
        this.text = text;
        this.byteSize = byteSize;
        this.kind = kind;
    }

    public String text() {
        return text;
    }

    public int byteSize() {
        return byteSize;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isFloat() {
        return kind == Kind.FLOAT;
    }

    public boolean isInteger() {
        return kind == Kind.INTEGER;
    }

    public boolean isBool() {
        return kind == Kind.BOOL;
    }

    /** Floats and integers: the dtypes that arithmetic accepts. */
    public boolean isNumeric() {
        return kind != Kind.BOOL;
    }

    /**
     * {@code v} rounded to the nearest value this dtype holds, as a double: floats round to nearest
     * even at their precision (f16 and bf16 included); integers truncate toward zero and wrap as
     * Java's narrowing does; bool is 1 for any non-zero value (NaN included) and 0 otherwise.
     */
    public double round(double v) {
        return switch (this) {
            case F64 -> v;
            case F32 -> (float) v;
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(toFloatRoundToOdd(v)));
            case BF16 -> roundBf16(toFloatRoundToOdd(v));
            case I32 -> (int) (long) v;
            case I64 -> (double) (long) v;
            case BOOL -> v != 0 ? 1 : 0;
        };
    }

    /**
     * {@code v} as a float rounded to odd: truncated toward zero, with the last bit set if anything
     * was cut off. Rounding that float to nearest-even at 16 bits then gives exactly the
     * correctly rounded result of {@code v} (float carries more than twice the bits of f16 and
     * bf16, plus two), where a plain {@code (float) v} would round twice.
     */
    private static float toFloatRoundToOdd(double v) {
        float f = (float) v;
        if (Double.isNaN(v) || Float.isInfinite(f) || (double) f == v) {
            return f;
        }
        float t = Math.abs((double) f) > Math.abs(v) ? Math.nextAfter(f, 0.0) : f;
        return Float.intBitsToFloat(Float.floatToRawIntBits(t) | 1);
    }

    private static float roundBf16(float f) {
        if (Float.isNaN(f)) {
            return f;
        }
        int bits = Float.floatToRawIntBits(f);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(rounded & 0xFFFF0000);
    }

    /** The dtype whose text name is {@code text}, or an exception listing the valid names. */
    public static DType fromText(String text) {
        for (DType d : values()) {
            if (d.text.equals(text)) {
                return d;
            }
        }
        throw new IllegalArgumentException(
                "unknown dtype '" + text + "' (expected one of f32, f64, f16, bf16, i32, i64, bool)");
    }

    @Override
    public String toString() {
        return text;
    }
}
