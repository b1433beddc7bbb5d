package dev.javelin.ir.npy;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0), the format of weights, inputs and
 * outputs everywhere in Javelin. Supported: little-endian C-order arrays of f32, f64, f16, i32,
 * i64 and bool. A file is checked completely — magic, header, dtype, and that its size is exactly
 * what the header claims — before any array is allocated, so a corrupt or hostile header fails
 * fast with an {@link NpyException} instead of an out-of-memory error.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final long MAX_HEADER = 1 << 20;

    private Npy() {}

    /** Random access to the bytes of a file or a byte array. */
    private interface Source {
        long size();

        ByteBuffer read(long offset, int length) throws IOException;
    }

    public static NdArray read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(
                    new Source() {
                        @Override
                        public long size() {
                            try {
                                return ch.size();
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }

                        @Override
                        public ByteBuffer read(long offset, int length) throws IOException {
                            ByteBuffer b = ByteBuffer.allocate(length);
                            while (b.hasRemaining()) {
                                if (ch.read(b, offset + b.position()) < 0) {
                                    throw new NpyException(file + ": file ended early");
                                }
                            }
                            return b.flip();
                        }
                    },
                    file.toString());
        }
    }

    /** Reads an array from the bytes of a whole {@code .npy} file; {@code source} names it in errors. */
    public static NdArray fromBytes(byte[] bytes, String source) {
        try {
            return read(
                    new Source() {
                        @Override
                        public long size() {
                            return bytes.length;
                        }

                        @Override
                        public ByteBuffer read(long offset, int length) {
                            return ByteBuffer.wrap(bytes, (int) offset, length).slice();
                        }
                    },
                    source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NdArray read(Source src, String name) throws IOException {
        long size = src.size();
        if (size < 10) {
            throw new NpyException(name + ": not a .npy file (" + size + " bytes, shorter than the 10-byte preamble)");
        }
        ByteBuffer pre = src.read(0, 10).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[6];
        pre.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new NpyException(name + ": not a .npy file (it does not start with \\x93NUMPY)");
        }
        int major = pre.get() & 0xFF;
        int minor = pre.get() & 0xFF;
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default ->
                throw new NpyException(name + ": .npy format version " + major + "." + minor
                        + " is not supported (1.0, 2.0 and 3.0 are)");
        };
        if (size < 8 + lengthBytes) {
            throw new NpyException(name + ": the file ends inside the .npy preamble (" + size + " bytes)");
        }
        long headerLength = lengthBytes == 2
                ? pre.getShort(8) & 0xFFFF
                : src.read(8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
        if (headerLength > MAX_HEADER) {
            throw new NpyException(name + ": the .npy header claims " + headerLength + " bytes; headers of more than "
                    + MAX_HEADER + " bytes are not plausible");
        }
        long dataStart = 8 + lengthBytes + headerLength;
        if (dataStart > size) {
            throw new NpyException(name + ": the .npy header claims " + headerLength + " bytes but the file has only "
                    + (size - 8 - lengthBytes) + " after the preamble");
        }
        byte[] raw = new byte[(int) headerLength];
        src.read(8 + lengthBytes, (int) headerLength).get(raw);
        String text = new String(raw, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader h = NpyHeader.parse(text, name);
        DType dtype = dtype(h.descr(), name);
        if (h.fortranOrder()) {
            throw new NpyException(name + ": Fortran-order .npy arrays are not supported; save a C-order array"
                    + " (numpy.ascontiguousarray) instead");
        }
        long count = 1;
        for (long d : h.shape()) {
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new NpyException(name + ": .npy shape " + shapeText(h.shape()) + " has too many elements");
            }
        }
        int item = itemSize(dtype);
        long dataBytes = count > Long.MAX_VALUE / item ? Long.MAX_VALUE : count * item;
        long actual = size - dataStart;
        if (actual < dataBytes) {
            throw new NpyException(name + ": the header claims shape " + shapeText(h.shape()) + " of " + dtype + " ("
                    + dataBytes + " bytes of data) but the file holds only " + actual);
        }
        if (actual > dataBytes) {
            throw new NpyException(name + ": " + (actual - dataBytes) + " bytes follow the data the header describes"
                    + " (shape " + shapeText(h.shape()) + " of " + dtype + ")");
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new NpyException(name + ": shape " + shapeText(h.shape()) + " is too large for a host array");
        }
        return decode(dtype, h.shape(), src.read(dataStart, (int) dataBytes).order(ByteOrder.LITTLE_ENDIAN));
    }

    private static DType dtype(String descr, String name) {
        if (descr.length() < 2) {
            throw new NpyException(name + ": .npy dtype '" + descr + "' is not supported" + SUPPORTED);
        }
        char order = descr.charAt(0);
        String code = descr.substring(1);
        DType d = switch (code) {
            case "f2" -> DType.F16;
            case "f4" -> DType.F32;
            case "f8" -> DType.F64;
            case "i4" -> DType.I32;
            case "i8" -> DType.I64;
            case "b1" -> DType.BOOL;
            default -> throw new NpyException(name + ": .npy dtype '" + descr + "' is not supported" + SUPPORTED);
        };
        boolean little = order == '<' || (order == '=' && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        boolean ok = d == DType.BOOL ? "|<>=".indexOf(order) >= 0 : little;
        if (!ok) {
            throw new NpyException(name + ": .npy dtype '" + descr + "' is " + (order == '>' ? "big-endian" : "invalid")
                    + "; only little-endian files are supported (numpy: a.astype(a.dtype.newbyteorder('<')))");
        }
        return d;
    }

    private static final String SUPPORTED = " (supported: <f4, <f8, <f2, <i4, <i8, |b1)";

    private static int itemSize(DType d) {
        return d == DType.BOOL ? 1 : d.byteSize();
    }

    private static NdArray decode(DType d, long[] shape, ByteBuffer b) {
        NdArray a = NdArray.zeros(d, shape);
        for (int i = 0; i < a.size(); i++) {
            switch (d) {
                case F16 -> a.set(i, Float.float16ToFloat(b.getShort()));
                case F32 -> a.set(i, b.getFloat());
                case F64 -> a.set(i, b.getDouble());
                case I32 -> a.setLong(i, b.getInt());
                case I64 -> a.setLong(i, b.getLong());
                case BOOL -> a.set(i, b.get() != 0 ? 1 : 0);
                case BF16 -> throw new IllegalStateException("bf16 is never read from .npy");
            }
        }
        return a;
    }

    /** The bytes of a {@code .npy} file (version 1.0 unless the header needs 2.0), as numpy writes them. */
    public static byte[] toBytes(NdArray a) {
        String descr = switch (a.dtype()) {
            case F16 -> "<f2";
            case F32 -> "<f4";
            case F64 -> "<f8";
            case I32 -> "<i4";
            case I64 -> "<i8";
            case BOOL -> "|b1";
            case BF16 -> throw new NpyException("bf16 has no .npy dtype; cast the array to f32 first");
        };
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shapeText(a.shape()) + ", }";
        int version = dict.length() + 1 + 10 > 65535 ? 2 : 1;
        int preamble = version == 1 ? 10 : 12;
        int total = preamble + dict.length() + 1;
        int padded = (total + ALIGN - 1) / ALIGN * ALIGN;
        String header = dict + " ".repeat(padded - total) + "\n";
        ByteBuffer b =
                ByteBuffer.allocate(padded + a.size() * itemSize(a.dtype())).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) version).put((byte) 0);
        if (version == 1) {
            b.putShort((short) header.length());
        } else {
            b.putInt(header.length());
        }
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (int i = 0; i < a.size(); i++) {
            switch (a.dtype()) {
                case F16 -> b.putShort(Float.floatToFloat16((float) DType.F16.round(a.get(i))));
                case F32 -> b.putFloat((float) a.get(i));
                case F64 -> b.putDouble(a.get(i));
                case I32 -> b.putInt((int) a.getLong(i));
                case I64 -> b.putLong(a.getLong(i));
                case BOOL -> b.put((byte) (a.get(i) != 0 ? 1 : 0));
                case BF16 -> throw new IllegalStateException("unreachable: bf16 rejected above");
            }
        }
        return b.array();
    }

    /** Writes through a temporary file and a rename, so a failed write never leaves half a file. */
    public static void write(Path file, NdArray a) throws IOException {
        dev.javelin.ir.io.AtomicWrite.write(file, toBytes(a));
    }

    /** A shape as Python prints a tuple: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    static String shapeText(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "(", ")"));
    }
}
