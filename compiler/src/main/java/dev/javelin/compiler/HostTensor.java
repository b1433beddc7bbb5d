package dev.javelin.compiler;

import dev.javelin.JavelinException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * A tensor in memory the calling Java code already has, with its shape: a {@code float[]}, a {@link
 * FloatBuffer}, a {@link MemorySegment} of floats (native byte order), or a {@code long[]} (integer
 * inputs such as labels or token ids). It wraps the memory, it does not copy it: a model reads an
 * input's values when it runs and writes an output's into it, so one tensor can be refilled and
 * passed again without allocating.
 */
public final class HostTensor {
    private final long[] shape;
    private final long count;
    private final Object data;

    private HostTensor(Object data, long[] shape, long available) {
        this.shape = shape.clone();
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new JavelinException("a tensor's dimensions must be >= 0, found shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        if (n != available) {
            throw new JavelinException("shape " + Arrays.toString(shape) + " holds " + n + " values, but the "
                    + kind(data) + " holds " + available);
        }
        this.count = n;
        this.data = data;
    }

    /**
     * Floats in row-major order.
     *
     * @param values the values, wrapped, not copied
     * @param shape the dims, whose product must equal the number of values
     * @return the tensor
     * @throws JavelinException if a dim is negative or its product differs from the number of values
     */
    public static HostTensor of(float[] values, long... shape) {
        return new HostTensor(Objects.requireNonNull(values, "values"), shape, values.length);
    }

    /**
     * The buffer's remaining floats, from its position, in row-major order.
     *
     * @param values the buffer, wrapped, not copied
     * @param shape the dims, whose product must equal the number of remaining floats
     * @return the tensor
     * @throws JavelinException if a dim is negative or its product differs from the number of values
     */
    public static HostTensor of(FloatBuffer values, long... shape) {
        return new HostTensor(Objects.requireNonNull(values, "values"), shape, values.remaining());
    }

    /**
     * Floats in native byte order filling the segment, in row-major order.
     *
     * @param values the segment, wrapped, not copied
     * @param shape the dims, whose product must equal the number of floats in the segment
     * @return the tensor
     * @throws JavelinException if the segment's size is not a multiple of 4 bytes, a dim is negative or
     *     its product differs from the number of values
     */
    public static HostTensor of(MemorySegment values, long... shape) {
        Objects.requireNonNull(values, "values");
        if (values.byteSize() % Float.BYTES != 0) {
            throw new JavelinException(
                    "a memory segment of floats needs a multiple of 4 bytes, found " + values.byteSize());
        }
        return new HostTensor(values, shape, values.byteSize() / Float.BYTES);
    }

    /**
     * Integers (i64, i32 or bool inputs; bool is nonzero) in row-major order.
     *
     * @param values the values, wrapped, not copied
     * @param shape the dims, whose product must equal the number of values
     * @return the tensor
     * @throws JavelinException if a dim is negative or its product differs from the number of values
     */
    public static HostTensor ofLongs(long[] values, long... shape) {
        return new HostTensor(Objects.requireNonNull(values, "values"), shape, values.length);
    }

    /**
     * The dims.
     *
     * @return a copy of the shape
     */
    public long[] shape() {
        return shape.clone();
    }

    /** Whether the shape is {@code other}, without copying it. */
    boolean hasShape(long[] other) {
        return Arrays.equals(shape, other);
    }

    /**
     * The number of values.
     *
     * @return the product of the dims
     */
    public long count() {
        return count;
    }

    /**
     * Whether the values are integers ({@link #ofLongs}) rather than floats.
     *
     * @return true for integers, false for floats
     */
    public boolean isIntegral() {
        return data instanceof long[];
    }

    /**
     * A copy of the values, for a float tensor.
     *
     * @return a new array
     * @throws JavelinException if the tensor holds integers
     */
    public float[] toFloats() {
        if (isIntegral()) {
            throw new JavelinException(
                    "this tensor holds integers (long[]" + Arrays.toString(shape) + "); read it with toLongs()");
        }
        float[] out = new float[Math.toIntExact(count)];
        readFloats(out);
        return out;
    }

    /**
     * A copy of the values, for an integer tensor.
     *
     * @return a new array
     * @throws JavelinException if the tensor holds floats
     */
    public long[] toLongs() {
        if (!isIntegral()) {
            throw new JavelinException("this tensor holds floats (" + this + "); read it with toFloats()");
        }
        return ((long[]) data).clone();
    }

    /** The float array behind a tensor made by {@link #of(float[], long...)}, else null. */
    float[] floatArray() {
        return data instanceof float[] f ? f : null;
    }

    long[] longArray() {
        return data instanceof long[] l ? l : null;
    }

    /** Copies the float values into {@code out} (of at least {@link #count()}). */
    void readFloats(float[] out) {
        switch (data) {
            case float[] f -> System.arraycopy(f, 0, out, 0, f.length);
            case FloatBuffer b -> b.get(b.position(), out, 0, (int) count);
            case MemorySegment s -> MemorySegment.copy(s, ValueLayout.JAVA_FLOAT, 0, out, 0, (int) count);
            default -> throw new IllegalStateException("not a float tensor: " + kind(data));
        }
    }

    /** Copies {@code values} (of {@link #count()}) into this tensor's memory. */
    void writeFloats(float[] values) {
        switch (data) {
            case float[] f -> System.arraycopy(values, 0, f, 0, f.length);
            case FloatBuffer b -> b.put(b.position(), values, 0, (int) count);
            case MemorySegment s -> MemorySegment.copy(values, 0, s, ValueLayout.JAVA_FLOAT, 0, (int) count);
            default -> throw new IllegalStateException("not a float tensor: " + kind(data));
        }
    }

    private static String kind(Object data) {
        return switch (data) {
            case float[] f -> "float[]";
            case long[] l -> "long[]";
            case FloatBuffer b -> "FloatBuffer";
            case MemorySegment s -> "MemorySegment";
            default -> data.getClass().getSimpleName();
        };
    }

    @Override
    public String toString() {
        return kind(data) + Arrays.toString(shape);
    }
}
