package dev.javelin.ir.plan;

import dev.javelin.ir.value.NdArray;

/**
 * The plan interpreter's arena: one slot per byte. An element of dtype size {@code s} at byte
 * {@code a} is stored in all of the slots {@code a..a+s-1} (its float64 bits, or its integer), so
 * two buffers that share a byte while live either overwrite each other's numbers or leave a torn
 * element, which a read reports. Memory no kernel has written reads as a NaN pattern.
 */
final class Arena {
    private static final long POISON = 0x7ff8_dead_beef_0001L;
    private final long[] slots;

    Arena(long bytes) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("arena of " + bytes + " bytes is too large for the plan interpreter");
        }
        slots = new long[(int) bytes];
        java.util.Arrays.fill(slots, POISON);
    }

    void write(Buffer b, NdArray v) {
        int size = b.type().dtype().byteSize();
        for (int i = 0; i < v.size(); i++) {
            long bits = v.dtype().isInteger() ? v.getLong(i) : Double.doubleToRawLongBits(v.get(i));
            int at = address(b, i);
            java.util.Arrays.fill(slots, at, at + size, bits);
        }
    }

    NdArray read(Buffer b, long[] shape) {
        NdArray v = NdArray.zeros(b.type().dtype(), shape);
        int size = b.type().dtype().byteSize();
        for (int i = 0; i < v.size(); i++) {
            int at = address(b, i);
            long bits = slots[at];
            for (int k = 1; k < size; k++) {
                if (slots[at + k] != bits) {
                    throw new IllegalStateException("arena buffer %" + b.name() + " element " + i + " at byte " + at
                            + " is torn: byte " + (at + k) + " was overwritten by another buffer");
                }
            }
            if (v.dtype().isInteger()) {
                v.setLong(i, bits);
            } else {
                v.set(i, Double.longBitsToDouble(bits));
            }
        }
        return v;
    }

    private static int address(Buffer b, int element) {
        return Math.toIntExact(b.offset() + (long) element * b.type().dtype().byteSize());
    }
}
