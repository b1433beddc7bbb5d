package dev.javelin.ir.interp;

import dev.javelin.ir.value.NdArray;
import java.util.Arrays;

/** C-order index arithmetic on concrete shapes, shared by every op family. */
final class Index {
    private Index() {}

    /** Number of elements of a concrete shape. */
    static int numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return Math.toIntExact(n);
    }

    /** Row-major strides, in elements. */
    static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Fills {@code idx} with the multi-index of flat position {@code flat} in {@code shape}. */
    static void unravel(long flat, long[] shape, long[] idx) {
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = flat % shape[d];
            flat /= shape[d];
        }
    }

    /** The multi-index of flat position {@code flat}, as a new array. */
    static long[] unravel(long flat, long[] shape) {
        long[] idx = new long[shape.length];
        unravel(flat, shape, idx);
        return idx;
    }

    /**
     * The flat position, in an operand of shape {@code in}, of the element that NumPy broadcasting
     * sends to the result multi-index {@code out}: shapes align on the right and size-1 axes repeat.
     */
    static int broadcastFlat(long[] out, long[] in) {
        int off = out.length - in.length;
        long flat = 0;
        for (int d = 0; d < in.length; d++) {
            flat = flat * in[d] + (in[d] == 1 ? 0 : out[off + d]);
        }
        return (int) flat;
    }

    /** Product of {@code shape[from..to)}. */
    static int product(long[] shape, int from, int to) {
        return numel(Arrays.copyOfRange(shape, from, to));
    }

    /** Copies element {@code i} of {@code from} to element {@code j} of {@code to} (same dtype), exactly. */
    static void copy(NdArray from, int i, NdArray to, int j) {
        if (from.dtype().isInteger()) {
            to.setLong(j, from.getLong(i));
        } else {
            to.set(j, from.get(i));
        }
    }

    /** A new array with the same dtype, shape and elements. */
    static NdArray copyOf(NdArray a) {
        NdArray c = NdArray.zeros(a.dtype(), a.shape());
        for (int i = 0; i < a.size(); i++) {
            copy(a, i, c, i);
        }
        return c;
    }

    /** {@code [1, 0, 2]}, for messages. */
    static String text(long[] idx) {
        return Arrays.toString(idx);
    }
}
