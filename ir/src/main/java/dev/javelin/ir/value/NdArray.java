package dev.javelin.ir.value;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.Arrays;

/**
 * A dense host tensor in C order, the value type of the reference interpreter, of {@code .npy}
 * files and of feeds and results everywhere on the host. Floats and bools are stored as doubles
 * (float64 is the interpreter's precision; a bool is 0 or 1); integers as longs, so i32 and i64
 * arithmetic is exact. Mutable only through {@link #set}: treat an array handed to you as read-only.
 */
public final class NdArray {
    private final DType dtype;
    private final long[] shape;
    private final double[] floats;
    private final long[] ints;

    private NdArray(DType dtype, long[] shape, double[] floats, long[] ints) {
        this.dtype = dtype;
        this.shape = shape;
        this.floats = floats;
        this.ints = ints;
    }

    /** A zero-filled array. */
    public static NdArray zeros(DType dtype, long... shape) {
        int n = size(shape);
        return dtype.isInteger()
                ? new NdArray(dtype, shape.clone(), null, new long[n])
                : new NdArray(dtype, shape.clone(), new double[n], null);
    }

    /** An array holding {@code values} in C order (see {@link #set}). */
    public static NdArray of(DType dtype, long[] shape, double... values) {
        NdArray a = zeros(dtype, shape);
        if (values.length != a.size()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + a.size()
                    + " elements, found " + values.length + " values");
        }
        for (int i = 0; i < values.length; i++) {
            a.set(i, values[i]);
        }
        return a;
    }

    /** An integer array holding {@code values} (wrapped to the dtype) in C order. */
    public static NdArray ofLongs(DType dtype, long[] shape, long... values) {
        NdArray a = zeros(dtype, shape);
        if (values.length != a.size()) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + a.size()
                    + " elements, found " + values.length + " values");
        }
        for (int i = 0; i < values.length; i++) {
            a.setLong(i, values[i]);
        }
        return a;
    }

    public static NdArray scalar(DType dtype, double value) {
        return of(dtype, new long[0], value);
    }

    private static int size(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "shape " + Arrays.toString(shape) + " has " + n + " elements, more than a host array holds");
        }
        return (int) n;
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis];
    }

    public int size() {
        return floats != null ? floats.length : ints.length;
    }

    public TensorType type() {
        return new TensorType(dtype, Shape.of(shape));
    }

    /** Element {@code i} (C order) as a double; i64 values beyond 2^53 round. */
    public double get(int i) {
        return floats != null ? floats[i] : ints[i];
    }

    /** Element {@code i} as a long: integers exactly, floats truncated toward zero, bools 0 or 1. */
    public long getLong(int i) {
        return floats != null ? (long) floats[i] : ints[i];
    }

    /**
     * Stores {@code v}. Float arrays of every float dtype keep the full double (the reference
     * interpreter computes in float64 whatever the declared precision; rounding to f32, f16 or bf16
     * happens when the array is written to a file or handed to a backend); bools store 0 or 1.
     */
    public void set(int i, double v) {
        if (floats != null) {
            floats[i] = dtype.isBool() ? (v != 0 || Double.isNaN(v) ? 1 : 0) : v;
        } else {
            setLong(i, (long) v);
        }
    }

    /** Stores an integer, wrapped to i32 for i32 arrays. */
    public void setLong(int i, long v) {
        if (ints != null) {
            ints[i] = dtype == DType.I32 ? (int) v : v;
        } else {
            set(i, (double) v);
        }
    }

    /**
     * A copy converted to {@code to} with {@link dev.javelin.ir.op.Cast}'s rules: float to integer
     * truncates toward zero and saturates (NaN gives 0), integer to integer wraps, to bool is {@code
     * != 0}, between floats keeps the value.
     */
    public NdArray cast(DType to) {
        NdArray r = zeros(to, shape);
        for (int i = 0; i < size(); i++) {
            if (to.isInteger() && ints != null) {
                r.setLong(i, ints[i]);
            } else if (to == DType.I32) {
                r.setLong(i, (int) floats[i]); // (int) saturates; narrowing through long would wrap
            } else {
                r.set(i, get(i));
            }
        }
        return r;
    }

    /** All elements as doubles (a copy). */
    public double[] toDoubles() {
        double[] d = new double[size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = get(i);
        }
        return d;
    }

    /** All elements as longs (a copy; floats truncate). */
    public long[] toLongs() {
        long[] d = new long[size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = getLong(i);
        }
        return d;
    }

    /** Row-major strides, in elements. */
    public long[] strides() {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Same dtype, shape and elements (NaN equals NaN; -0.0 differs from 0.0). */
    @Override
    public boolean equals(Object o) {
        return o instanceof NdArray a
                && a.dtype == dtype
                && Arrays.equals(a.shape, shape)
                && Arrays.equals(a.floats, floats)
                && Arrays.equals(a.ints, ints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + (floats != null ? Arrays.hashCode(floats) : Arrays.hashCode(ints));
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(type().toString()).append(' ');
        int n = Math.min(size(), 16);
        b.append('[');
        for (int i = 0; i < n; i++) {
            b.append(i > 0 ? ", " : "").append(ints != null ? Long.toString(ints[i]) : Double.toString(floats[i]));
        }
        return b.append(size() > n ? ", ...]" : "]").toString();
    }
}
