package dev.javelin.runtime.cpu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Decodes the large constant arrays of generated programs. A Java class's static initializer is
 * limited to 64 KiB of bytecode, and an array literal costs several bytes per element, so a
 * generated class writes a constant of more than a few dozen elements as Base64 text of its
 * little-endian bytes (each literal at most {@link #CHUNK} characters, a class-file limit too), read
 * here once when the class initializes.
 */
public final class ConstantData {
    /** Characters of Base64 per string literal (a literal holds at most 65,535 bytes). */
    public static final int CHUNK = 48_000;

    private ConstantData() {}

    private static ByteBuffer bytes(String... parts) {
        byte[] all = Base64.getDecoder().decode(String.join("", parts));
        return ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The floats of {@code parts}.
     *
     * @param parts Base64 of 4 bytes per element
     * @return the array
     */
    public static float[] floats(String... parts) {
        ByteBuffer b = bytes(parts);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    /**
     * The doubles of {@code parts}.
     *
     * @param parts Base64 of 8 bytes per element
     * @return the array
     */
    public static double[] doubles(String... parts) {
        ByteBuffer b = bytes(parts);
        double[] out = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(out);
        return out;
    }

    /**
     * The ints of {@code parts}.
     *
     * @param parts Base64 of 4 bytes per element
     * @return the array
     */
    public static int[] ints(String... parts) {
        ByteBuffer b = bytes(parts);
        int[] out = new int[b.remaining() / 4];
        b.asIntBuffer().get(out);
        return out;
    }

    /**
     * The longs of {@code parts}.
     *
     * @param parts Base64 of 8 bytes per element
     * @return the array
     */
    public static long[] longs(String... parts) {
        ByteBuffer b = bytes(parts);
        long[] out = new long[b.remaining() / 8];
        b.asLongBuffer().get(out);
        return out;
    }

    /**
     * The booleans of {@code parts}.
     *
     * @param parts Base64 of one byte (0 or 1) per element
     * @return the array
     */
    public static boolean[] booleans(String... parts) {
        ByteBuffer b = bytes(parts);
        boolean[] out = new boolean[b.remaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i) != 0;
        }
        return out;
    }
}
