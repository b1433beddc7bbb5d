package dev.javelin.dsl.checkpoint;

import dev.javelin.dsl.checkpoint.SafetensorsHeader.Entry;
import dev.javelin.dsl.json.Json;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N, N
 * bytes of JSON header {@code {"__metadata__": {...}, "name": {"dtype": "F32", "shape": [2, 3],
 * "data_offsets": [begin, end]}, ...}} padded with spaces to a multiple of 8, then the tensors'
 * little-endian C-order bytes. Supported dtypes: F32, F64, F16, BF16, I32, I64, BOOL. Files we
 * write are byte-identical to the reference writer's for the same tensors and metadata (see
 * {@link SafetensorsHeader#WRITE_ORDER}); every file is checked completely before data is decoded.
 */
public final class Safetensors {
    /** The reference implementation's limit; a larger header is taken as a corrupt length, not a real file. */
    public static final long MAX_HEADER = 100_000_000;

    private static final int CHUNK = 1 << 16;

    private Safetensors() {}

    /**
     * The tensors of a file, sorted by name, and its {@code __metadata__} (empty when it has none).
     *
     * @param tensors the tensors by name
     * @param metadata the {@code __metadata__} entries
     */
    public record Contents(SortedMap<String, NdArray> tensors, SortedMap<String, String> metadata) {
        /**
         * Copies both maps into unmodifiable sorted ones.
         */
        public Contents {
            tensors = Collections.unmodifiableSortedMap(new TreeMap<>(tensors));
            metadata = Collections.unmodifiableSortedMap(new TreeMap<>(metadata));
        }
    }

    /** Random access to the bytes of a file or an array. */
    private interface Source {
        long size() throws IOException;

        /** Fills {@code dst} from {@code offset}; the caller has checked the range lies inside. */
        void read(long offset, ByteBuffer dst) throws IOException;
    }

    /**
     * The bytes of a safetensors file holding {@code tensors} and {@code metadata}.
     *
     * @param tensors the tensors by name
     * @param metadata the {@code __metadata__} entries
     * @return the file's bytes
     */
    public static byte[] toBytes(Map<String, NdArray> tensors, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(tensors, metadata, Channels.newChannel(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array never fails to grow with an IOException
        }
        return out.toByteArray();
    }

    /**
     * Writes {@code file} through a temporary file and a rename, so a failed save leaves the old file intact.
     *
     * @param file the file to write
     * @param tensors the tensors by name
     * @param metadata the {@code __metadata__} entries
     * @throws CheckpointException if the write fails
     */
    public static void write(Path file, Map<String, NdArray> tensors, Map<String, String> metadata) {
        AtomicFiles.writeFile(file, ch -> write(tensors, metadata, ch));
    }

    /**
     * Parses safetensors bytes, as {@link #read(Path)} does a file.
     *
     * @param bytes the file's bytes
     * @param source what the bytes are, named in errors
     * @return the tensors and metadata
     * @throws CheckpointException if the bytes are not a valid safetensors file
     */
    public static Contents fromBytes(byte[] bytes, String source) {
        return read(
                new Source() {
                    @Override
                    public long size() {
                        return bytes.length;
                    }

                    @Override
                    public void read(long offset, ByteBuffer dst) {
                        dst.put(bytes, (int) offset, dst.remaining());
                    }
                },
                source);
    }

    /**
     * Reads a safetensors file, checking its header, offsets and dtypes.
     *
     * @param file the file
     * @return the tensors and metadata
     * @throws CheckpointException if the file is missing, unreadable or not a valid safetensors file
     */
    public static Contents read(Path file) {
        return withFile(file, src -> read(src, file.toString()));
    }

    /**
     * The {@code __metadata__} of a file, read from its header alone (the tensors are not read).
     *
     * @param file the file
     * @return the metadata, empty when the file has none
     * @throws CheckpointException if the file is missing, unreadable or its header is malformed
     */
    public static SortedMap<String, String> metadata(Path file) {
        return withFile(file, src -> header(src, file.toString()).header().metadata());
    }

    private interface Reading<T> {
        T read(Source src) throws IOException;
    }

    private static <T> T withFile(Path file, Reading<T> reading) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("checkpoint file " + file
                    + (Files.isDirectory(file)
                            ? " is a folder, not a file"
                            : Files.exists(file) ? " is not a regular file (a device or a pipe?)" : " does not exist"));
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return reading.read(new Source() {
                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public void read(long offset, ByteBuffer dst) throws IOException {
                    while (dst.hasRemaining()) {
                        if (ch.read(dst, offset + dst.position()) < 0) {
                            throw new IOException(file + " ended early; did it change while being read?");
                        }
                    }
                }
            });
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint " + file + ": " + IoReason.of(e), e);
        }
    }

    private static Contents read(Source src, String source) {
        try {
            Parsed p = header(src, source);
            Map<String, NdArray> tensors = new LinkedHashMap<>();
            for (Entry t : p.header().entries()) {
                tensors.put(t.name(), decode(src, p.dataStart(), t));
            }
            return new Contents(new TreeMap<>(tensors), p.header().metadata());
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + source + ": " + IoReason.of(e), e);
        }
    }

    /** A parsed header and where the data after it starts. */
    private record Parsed(SafetensorsHeader header, long dataStart) {}

    private static Parsed header(Source src, String source) throws IOException {
        long size = src.size();
        if (size < 8) {
            throw new CheckpointException(
                    source + ": not a safetensors file (" + size + " bytes, shorter than the 8-byte header length)");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        src.read(0, lengthBytes);
        long n = lengthBytes.getLong(0);
        if (n < 0 || n > size - 8) {
            throw new CheckpointException(source + ": the safetensors header length says " + Long.toUnsignedString(n)
                    + " bytes, but the file has only " + (size - 8)
                    + " after the 8-byte length (is this a safetensors file?)");
        }
        if (n > MAX_HEADER) {
            throw new CheckpointException(source + ": the safetensors header length says " + n + " bytes; headers over "
                    + MAX_HEADER + " bytes are not plausible");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        src.read(8, headerBytes);
        String json = SafetensorsHeader.decode(headerBytes.flip(), source);
        return new Parsed(SafetensorsHeader.parse(json, size - 8 - n, source), 8 + n);
    }

    /** Decodes one tensor chunk by chunk, so a large tensor is never held twice in memory. */
    private static NdArray decode(Source src, long dataStart, Entry t) throws IOException {
        NdArray a = NdArray.zeros(t.dtype(), t.shape());
        int item = SafetensorsHeader.itemSize(t.dtype());
        ByteBuffer b = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = CHUNK / item;
        for (int first = 0; first < a.size(); first += perChunk) {
            int count = Math.min(perChunk, a.size() - first);
            b.clear().limit(count * item);
            src.read(dataStart + t.begin() + (long) first * item, b);
            b.flip();
            for (int i = first; i < first + count; i++) {
                switch (t.dtype()) {
                    case F32 -> a.set(i, b.getFloat());
                    case F64 -> a.set(i, b.getDouble());
                    case F16 -> a.set(i, Float.float16ToFloat(b.getShort()));
                    case BF16 -> a.set(i, Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16));
                    case I32 -> a.setLong(i, b.getInt());
                    case I64 -> a.setLong(i, b.getLong());
                    case BOOL -> a.set(i, b.get() != 0 ? 1 : 0);
                }
            }
        }
        return a;
    }

    private static void write(Map<String, NdArray> tensors, Map<String, String> metadata, WritableByteChannel out)
            throws IOException {
        List<Map.Entry<String, NdArray>> order = new ArrayList<>(tensors.entrySet());
        for (Map.Entry<String, NdArray> e : order) {
            if (e.getKey() == null || e.getKey().isEmpty() || e.getKey().equals(SafetensorsHeader.METADATA)) {
                throw new CheckpointException("a safetensors tensor needs a non-empty name other than "
                        + SafetensorsHeader.METADATA + ", found '" + e.getKey() + "'");
            }
            if (e.getValue() == null) {
                throw new CheckpointException("tensor '" + e.getKey() + "' is null");
            }
        }
        order.sort((x, y) -> SafetensorsHeader.WRITE_ORDER.compare(
                Map.entry(x.getKey(), x.getValue().dtype()),
                Map.entry(y.getKey(), y.getValue().dtype())));
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(SafetensorsHeader.METADATA, new TreeMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, NdArray> e : order) {
            NdArray a = e.getValue();
            long bytes = (long) a.size() * SafetensorsHeader.itemSize(a.dtype());
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", SafetensorsHeader.name(a.dtype()));
            info.put("shape", Arrays.stream(a.shape()).boxed().toList());
            info.put("data_offsets", List.of(offset, offset + bytes));
            header.put(e.getKey(), info);
            offset += bytes;
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // aligns the data start, so each tensor is aligned to its dtype
        ByteBuffer b = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        drain(head.flip(), out);
        for (Map.Entry<String, NdArray> e : order) {
            encode(e.getValue(), b, out);
        }
    }

    private static void encode(NdArray a, ByteBuffer b, WritableByteChannel out) throws IOException {
        int item = SafetensorsHeader.itemSize(a.dtype());
        b.clear();
        for (int i = 0; i < a.size(); i++) {
            if (b.remaining() < item) {
                drain(b.flip(), out);
                b.clear();
            }
            switch (a.dtype()) {
                case F32 -> b.putFloat((float) a.get(i));
                case F64 -> b.putDouble(a.get(i));
                case F16 -> b.putShort(Float.floatToFloat16((float) a.get(i)));
                case BF16 -> b.putShort(bf16(a.get(i)));
                case I32 -> b.putInt((int) a.getLong(i));
                case I64 -> b.putLong(a.getLong(i));
                case BOOL -> b.put((byte) (a.get(i) != 0 ? 1 : 0));
            }
        }
        drain(b.flip(), out);
    }

    /**
     * The upper half of the float rounded to nearest even. NaN becomes the canonical quiet NaN:
     * cutting off the low half of an arbitrary NaN could leave the bit pattern of infinity.
     */
    private static short bf16(double v) {
        float f = (float) DType.BF16.round(v);
        return Float.isNaN(f) ? (short) 0x7FC0 : (short) (Float.floatToRawIntBits(f) >>> 16);
    }

    private static void drain(ByteBuffer b, WritableByteChannel out) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
