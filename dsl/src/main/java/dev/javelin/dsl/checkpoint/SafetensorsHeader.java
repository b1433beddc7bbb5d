package dev.javelin.dsl.checkpoint;

import dev.javelin.dsl.json.Json;
import dev.javelin.dsl.json.JsonException;
import dev.javelin.ir.type.DType;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The JSON header of a safetensors file, checked as strictly as the reference implementation
 * (huggingface/safetensors) checks it, so that we never accept a file it would reject: known
 * dtype, non-negative shape, offsets that match the shape and tile the data exactly, in any key
 * order, with no overlaps, holes or trailing bytes.
 */
record SafetensorsHeader(List<Entry> entries, SortedMap<String, String> metadata) {
    static final String METADATA = "__metadata__";
    static final String SUPPORTED = "F32, F64, F16, BF16, I32, I64, BOOL";

    /** One tensor's line of the header; offsets are relative to the start of the data. */
    record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        String describe() {
            return "'" + name + "' " + dtype + Arrays.toString(shape).replace(" ", "") + " at [" + begin + "," + end
                    + "]";
        }
    }

    static String name(DType d) {
        return d == DType.BOOL ? "BOOL" : d.text().toUpperCase(Locale.ROOT);
    }

    static DType dtype(String name) {
        return switch (name) {
            case "F32" -> DType.F32;
            case "F64" -> DType.F64;
            case "F16" -> DType.F16;
            case "BF16" -> DType.BF16;
            case "I32" -> DType.I32;
            case "I64" -> DType.I64;
            case "BOOL" -> DType.BOOL;
            default -> null;
        };
    }

    static int itemSize(DType d) {
        return d == DType.BOOL ? 1 : d.byteSize();
    }

    /**
     * The order the reference writer lays tensors out in: dtypes of larger alignment first (its
     * enum order: I64, F64, F32, I32, BF16, F16, BOOL), then names by their UTF-8 bytes. With the
     * header padded to 8 bytes this aligns every tensor to its element size, and makes our files
     * byte-identical to those {@code safetensors.numpy.save_file} writes.
     */
    static final Comparator<Map.Entry<String, DType>> WRITE_ORDER = Comparator.<Map.Entry<String, DType>>comparingInt(
                    e -> -rank(e.getValue()))
            .thenComparing(e -> e.getKey().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned);

    private static int rank(DType d) {
        return switch (d) {
            case BOOL -> 0;
            case F16 -> 7;
            case BF16 -> 8;
            case I32 -> 9;
            case F32 -> 11;
            case F64 -> 12;
            case I64 -> 13;
        };
    }

    /**
     * The header's text; a malformed UTF-8 sequence is reported by its byte offset in the file (the
     * header starts after the 8-byte length) and its bytes.
     */
    static String decode(ByteBuffer header, String source) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(header.remaining());
        CoderResult r = decoder.decode(header, out, true);
        if (r.isError()) {
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < r.length(); i++) {
                hex.append(String.format(" 0x%02X", header.get(header.position() + i) & 0xFF));
            }
            throw new CheckpointException(source + ": the safetensors header is not valid UTF-8: byte"
                    + (r.length() == 1 ? "" : "s") + hex + " at offset " + (8 + header.position()) + " of the file");
        }
        return out.flip().toString();
    }

    /** Parses and checks a header against the {@code dataSize} bytes that follow it in the file. */
    static SafetensorsHeader parse(String json, long dataSize, String source) {
        if (!json.startsWith("{")) {
            throw new CheckpointException(source + ": the safetensors header should be a JSON object starting with"
                    + " '{', found '" + json.substring(0, Math.min(json.length(), 16)) + "'");
        }
        Object parsed;
        try {
            parsed = Json.parse(json, source + " (safetensors header)");
        } catch (JsonException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> top)) {
            throw new CheckpointException(source + ": the safetensors header is not a JSON object");
        }
        SortedMap<String, String> metadata = new TreeMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA)) {
                metadata.putAll(metadata(e.getValue(), source));
            } else {
                entries.add(entry(name, e.getValue(), source));
            }
        }
        entries.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long at = 0;
        Entry previous = null;
        for (Entry t : entries) {
            if (t.end() > dataSize) {
                throw new CheckpointException(source + ": tensor " + t.describe() + " ends at byte " + t.end()
                        + " of the data, but the data after the header has only " + dataSize + " bytes");
            }
            if (t.begin() < at) {
                throw new CheckpointException(
                        source + ": the data of tensors " + previous.describe() + " and " + t.describe() + " overlap");
            }
            if (t.begin() > at) {
                throw new CheckpointException(
                        source + ": bytes " + at + " to " + t.begin() + " of the data belong to no"
                                + " tensor (the next is " + t.describe() + "); the tensors must tile the data");
            }
            at = t.end();
            previous = t;
        }
        if (at != dataSize) {
            throw new CheckpointException(source + ": the tensors end at byte " + at + " of the data, but " + dataSize
                    + " bytes follow the header");
        }
        return new SafetensorsHeader(List.copyOf(entries), metadata);
    }

    private static Map<String, String> metadata(Object value, String source) {
        if (!(value instanceof Map<?, ?> m)) {
            throw new CheckpointException(source + ": " + METADATA + " should be an object of strings, found " + value);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new CheckpointException(source + ": " + METADATA + " value of '" + e.getKey()
                        + "' should be a string, found " + e.getValue());
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static Entry entry(String name, Object value, String source) {
        String where = source + ": tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> m)) {
            throw new CheckpointException(
                    where + " should be an object with dtype, shape and data_offsets, found " + value);
        }
        if (!(m.get("dtype") instanceof String dtypeName)) {
            throw new CheckpointException(where + " needs a dtype string, found " + m.get("dtype"));
        }
        DType dtype = dtype(dtypeName);
        if (dtype == null) {
            throw new CheckpointException(
                    where + " has dtype '" + dtypeName + "', which is not supported (supported: " + SUPPORTED + ")");
        }
        long[] shape = longs(m.get("shape"), -1, where + " shape");
        long[] offsets = longs(m.get("data_offsets"), 2, where + " data_offsets");
        if (offsets[1] < offsets[0]) {
            throw new CheckpointException(
                    where + " data_offsets [" + offsets[0] + "," + offsets[1] + "] end before they begin");
        }
        long bytes = itemSize(dtype);
        long count = 1;
        try {
            for (long d : shape) {
                count = Math.multiplyExact(count, d);
            }
            bytes = Math.multiplyExact(count, bytes);
        } catch (ArithmeticException e) {
            throw new CheckpointException(where + " shape " + Arrays.toString(shape) + " has too many elements");
        }
        if (offsets[1] - offsets[0] != bytes) {
            throw new CheckpointException(
                    where + " is " + dtypeName + Arrays.toString(shape).replace(" ", "") + " ("
                            + bytes + " bytes) but its data_offsets [" + offsets[0] + "," + offsets[1] + "] span "
                            + (offsets[1] - offsets[0]) + " bytes");
        }
        if (count > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(where + " has " + count + " elements, more than a host array holds");
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** A JSON list of non-negative integers, of length {@code length} unless that is -1. */
    private static long[] longs(Object value, int length, String what) {
        if (!(value instanceof List<?> l) || (length >= 0 && l.size() != length)) {
            throw new CheckpointException(what + " should be a list of " + (length >= 0 ? length + " " : "")
                    + "non-negative integers, found " + value);
        }
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Long v) || v < 0) {
                throw new CheckpointException(what + " should be a list of " + (length >= 0 ? length + " " : "")
                        + "non-negative integers, found " + value);
            }
            out[i] = v;
        }
        return out;
    }
}
