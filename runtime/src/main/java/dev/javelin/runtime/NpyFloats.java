package dev.javelin.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a little-endian f32 {@code .npy} file (format versions 1 to 3, C order), the tensors of a
 * checkpoint folder, without the IR: what a model compiled ahead of time needs to load its weights
 * on the runtime alone. Anything else (another dtype, Fortran order, a shape that differs from the
 * expected one) is an error naming the file.
 */
public final class NpyFloats {
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyFloats() {}

    /**
     * The values of {@code file}, which must hold f32 of exactly {@code shape}.
     *
     * @param file the {@code .npy} file
     * @param shape the shape it must have
     * @return the values in row-major order
     * @throws IOException if the file cannot be read, is not a {@code .npy} file, or holds another dtype,
     *     order or shape
     */
    public static float[] read(Path file, long[] shape) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10
                || (bytes[0] & 0xff) != 0x93
                || !new String(bytes, 1, 5, StandardCharsets.ISO_8859_1).equals("NUMPY")) {
            throw new IOException(file + " is not a .npy file (no \\x93NUMPY magic)");
        }
        int major = bytes[6];
        int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
        int start = major == 1 ? 10 : 12;
        if (start + headerLength > bytes.length) {
            throw new IOException(file + " is truncated inside its header");
        }
        String header = new String(bytes, start, headerLength, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, file, "descr");
        if (!descr.equals("<f4")) {
            throw new IOException(file + " holds " + descr + ", expected <f4 (little-endian f32)");
        }
        if (group(FORTRAN, header, file, "fortran_order").equals("True")) {
            throw new IOException(file + " is in Fortran order; expected C order");
        }
        long[] found = Arrays.stream(group(SHAPE, header, file, "shape").split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .mapToLong(Long::parseLong)
                .toArray();
        if (!Arrays.equals(found, shape)) {
            throw new IOException(
                    file + " has shape " + Arrays.toString(found) + ", expected " + Arrays.toString(shape));
        }
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        int data = start + headerLength;
        if (bytes.length - data != 4 * n) {
            throw new IOException(file + " holds " + (bytes.length - data) + " data bytes, expected " + 4 * n);
        }
        float[] out = new float[Math.toIntExact(n)];
        b.position(data);
        b.asFloatBuffer().get(out);
        return out;
    }

    private static String group(Pattern p, String header, Path file, String what) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(file + " has no '" + what + "' in its header: " + header.strip());
        }
        return m.group(1);
    }
}
