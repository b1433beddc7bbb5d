package dev.javelin.ir.op;

import dev.javelin.ir.type.TensorType;
import java.util.Arrays;
import java.util.List;

/**
 * A literal tensor of a static {@code type}. {@code values} holds either one value (a splat: every
 * element equal) or one value per element in C order. Values are stored as doubles, which hold
 * every f32, f16, bf16 and i32 value exactly and i64 values up to 2^53. Values are rounded to the
 * dtype when the constant is made (0.1 in an f32 constant is the float nearest 0.1), so the text
 * form can print each in its shortest exact form; integers must be integral and bools 0 or 1.
 */
public final class Constant implements Op {
    /** Typed by its node; the values are written at its dtype. */
    public static final OpSchema<Constant> SCHEMA = OpSchema.of(Constant.class, "constant")
            .typedByNode(Constant::type)
            .attr("values", OpSchema.Kind.VALUES, Constant::values)
            .make(a -> new Constant(a.type(), a.values("values")));

    private final TensorType type;
    private final double[] values;

    public Constant(TensorType type, double[] values) {
        if (type == null || values == null) {
            throw new IllegalArgumentException("constant needs a type and values");
        }
        if (!type.shape().isStatic()) {
            throw new IllegalArgumentException("constant " + type + " must have a static shape");
        }
        long n = type.shape().numel();
        if (values.length != 1 && values.length != n) {
            throw new IllegalArgumentException(
                    "constant " + type + " needs 1 value (splat) or " + n + ", found " + values.length);
        }
        this.type = type;
        this.values = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            this.values[i] = normalize(type, values[i], i);
        }
    }

    private static double normalize(TensorType type, double v, int i) {
        if (type.dtype().isInteger() && (Double.isNaN(v) || Double.isInfinite(v) || v != Math.rint(v))) {
            throw new IllegalArgumentException("constant " + type + " value #" + i + " = " + v + " is not an integer");
        }
        if (type.dtype() == dev.javelin.ir.type.DType.I32 && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException(
                    "constant " + type + " value #" + i + " = " + (long) v + " is out of the i32 range");
        }
        if (type.dtype().isBool() && v != 0 && v != 1) {
            throw new IllegalArgumentException("constant " + type + " value #" + i + " = " + v + " is not 0 or 1");
        }
        return type.dtype().round(v);
    }

    public static Constant scalar(TensorType type, double value) {
        return new Constant(type, new double[] {value});
    }

    public TensorType type() {
        return type;
    }

    public boolean isSplat() {
        return values.length == 1;
    }

    /** A copy of the stored values (one for a splat). */
    public double[] values() {
        return values.clone();
    }

    /** Element {@code i} in C order, splats included. */
    public double value(long i) {
        return values.length == 1 ? values[0] : values[Math.toIntExact(i)];
    }

    public int storedCount() {
        return values.length;
    }

    @Override
    public String mnemonic() {
        return "constant";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 0);
        return type;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Constant c && c.type.equals(type) && Arrays.equals(c.values, values);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "Constant[" + type + ", " + (values.length <= 8 ? Arrays.toString(values) : values.length + " values")
                + "]";
    }
}
