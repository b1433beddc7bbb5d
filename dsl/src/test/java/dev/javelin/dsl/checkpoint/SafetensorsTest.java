package dev.javelin.dsl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** One tensor of every dtype, with values each dtype holds exactly, plus a scalar and an empty tensor. */
    static Map<String, NdArray> everyDtype() {
        Map<String, NdArray> m = new TreeMap<>();
        m.put("f32", NdArray.of(DType.F32, new long[] {2, 2}, 1.5, -0.1f, Float.POSITIVE_INFINITY, Double.NaN));
        m.put("f64", NdArray.of(DType.F64, new long[] {3}, 0.1, -0.0, 1e300));
        m.put("f16", NdArray.of(DType.F16, new long[] {3}, 0.5, -65504, 0x1p-24));
        m.put("bf16", NdArray.of(DType.BF16, new long[] {3}, 1.0, -2.5, 3.140625));
        m.put("i32", NdArray.ofLongs(DType.I32, new long[] {3}, Integer.MIN_VALUE, -1, Integer.MAX_VALUE));
        m.put("i64", NdArray.ofLongs(DType.I64, new long[] {3}, Long.MIN_VALUE, (1L << 53) + 1, Long.MAX_VALUE));
        m.put("bool", NdArray.of(DType.BOOL, new long[] {1, 3}, 1, 0, 1));
        m.put("scalar", NdArray.scalar(DType.F64, 2.5));
        m.put("empty", NdArray.zeros(DType.F32, 0, 4));
        return m;
    }

    @Test
    void roundTripsEveryDtypeThroughBytesAndFiles() {
        Map<String, NdArray> t = everyDtype();
        Safetensors.Contents c = Safetensors.fromBytes(Safetensors.toBytes(t, Map.of("step", "7")), "mem");
        assertEquals(t, c.tensors());
        assertEquals(Map.of("step", "7"), c.metadata());
        Path f = dir.resolve("model.safetensors");
        Safetensors.write(f, t, Map.of());
        assertEquals(new Safetensors.Contents(new TreeMap<>(t), new TreeMap<>()), Safetensors.read(f));
    }

    @Test
    void roundsToTheStoredPrecisionOnWrite() {
        double halfway = 1 + 0x1p-8; // between the bf16 neighbours 1 and 1 + 2^-7: ties to even, i.e. 1
        Map<String, NdArray> t = Map.of(
                "b", NdArray.of(DType.BF16, new long[] {2}, halfway, 1 + 3 * 0x1p-8),
                "f", NdArray.of(DType.F32, new long[] {1}, 0.1));
        Map<String, NdArray> back =
                Safetensors.fromBytes(Safetensors.toBytes(t, Map.of()), "mem").tensors();
        assertArrayEquals(new double[] {1.0, 1 + 0x1p-6}, back.get("b").toDoubles());
        assertEquals((double) 0.1f, back.get("f").get(0));
    }

    /** The byte layout worked out by hand: length, header JSON padded to 8 with spaces, then the data. */
    @Test
    void writesTheExactLayoutOfTheFormat() {
        Map<String, NdArray> t = Map.of(
                "a", NdArray.of(DType.BOOL, new long[] {3}, 1, 0, 1),
                "b", NdArray.ofLongs(DType.I32, new long[] {2}, 1, -2));
        // I32 comes before BOOL (larger alignment first, as the reference writer orders them)
        String json = "{\"__metadata__\":{\"format\":\"np\"},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[8,11]}}";
        assertEquals(140, json.length());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {(byte) 144, 0, 0, 0, 0, 0, 0, 0}); // 140 bytes of JSON + 4 spaces
        expected.writeBytes((json + "    ").getBytes(StandardCharsets.UTF_8));
        expected.writeBytes(new byte[] {1, 0, 0, 0, (byte) 0xFE, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}); // 1, -2
        expected.writeBytes(new byte[] {1, 0, 1});
        assertArrayEquals(expected.toByteArray(), Safetensors.toBytes(t, Map.of("format", "np")));
    }

    /** A header of exactly 64 bytes needs no padding; f32 0..5 follow as IEEE little-endian words. */
    @Test
    void writesAnUnpaddedHeaderWhenItIsAlreadyAligned() {
        byte[] out = Safetensors.toBytes(
                Map.of("attn.0", NdArray.of(DType.F32, new long[] {1, 2, 3}, 0, 1, 2, 3, 4, 5)), Map.of());
        String json = "{\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}";
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(8 + 64 + 24, out.length);
        assertEquals(64, b.getLong(0));
        assertEquals(json, new String(out, 8, 64, StandardCharsets.UTF_8));
        assertEquals(0x3F800000, b.getInt(72 + 4)); // 1.0f
        assertEquals(0x40A00000, b.getInt(72 + 20)); // 5.0f
    }

    /** A file as another writer might lay it out: keys in any order, names in any alphabet. */
    @Test
    void readsHeadersInAnyKeyOrder() {
        byte[] f = file(
                "{\"z\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]}, \"é\":{\"data_offsets\":[0,4],"
                        + "\"shape\":[],\"dtype\":\"F32\"},\"__metadata__\":{}}",
                8);
        Safetensors.Contents c = Safetensors.fromBytes(f, "x.safetensors");
        assertEquals(2, c.tensors().size());
        assertEquals(DType.F32, c.tensors().get("é").dtype());
        assertEquals(0, c.tensors().get("é").rank());
    }

    @Test
    void rejectsMalformedFilesClearly() {
        assertMalformed(
                new byte[5], "x.safetensors: not a safetensors file (5 bytes, shorter than the 8-byte header length)");
        byte[] tooLong = file("{}", 12);
        ByteBuffer.wrap(tooLong).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
        assertMalformed(
                tooLong,
                "x.safetensors: the safetensors header length says 1000 bytes, but the file has"
                        + " only 20 after the 8-byte length (is this a safetensors file?)");
        ByteBuffer.wrap(tooLong).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1);
        assertMalformed(
                tooLong,
                "x.safetensors: the safetensors header length says 18446744073709551615 bytes, but"
                        + " the file has only 20 after the 8-byte length (is this a safetensors file?)");
        assertMalformed(
                file(header(tensor("a", "I32", "[2]", 0, 8), tensor("b", "I32", "[2]", 4, 12)), 12),
                "x.safetensors: the data of tensors 'a' i32[2] at [0,8] and 'b' i32[2] at [4,12] overlap");
        assertMalformed(
                file(header(tensor("a", "I32", "[2]", 0, 8)), 4),
                "x.safetensors: tensor 'a' i32[2] at [0,8] ends at byte 8 of the data, but the data after the header"
                        + " has only 4 bytes");
        assertMalformed(
                file(header(tensor("a", "U8", "[2]", 0, 2)), 2),
                "x.safetensors: tensor 'a' has dtype 'U8', which is not supported (supported: F32, F64, F16, BF16,"
                        + " I32, I64, BOOL)");
        assertMalformed(
                file(header(tensor("a", "I32", "[1]", 0, 4), tensor("b", "I32", "[1]", 8, 12)), 12),
                "x.safetensors: bytes 4 to 8 of the data belong to no tensor (the next is 'b' i32[1] at [8,12]); the"
                        + " tensors must tile the data");
        assertMalformed(
                file(header(tensor("a", "I32", "[1]", 0, 4)), 6),
                "x.safetensors: the tensors end at byte 4 of the data, but 6 bytes follow the header");
        assertMalformed(
                file(header(tensor("a", "F64", "[2,3]", 0, 40)), 40),
                "x.safetensors: tensor 'a' is F64[2,3] (48 bytes) but its data_offsets [0,40] span 40 bytes");
        assertMalformed(
                file(header(tensor("a", "F64", "[-2]", 0, 0)), 0),
                "x.safetensors: tensor 'a' shape should be a list of non-negative integers, found [-2]");
        assertMalformed(
                file(header(tensor("a", "F64", "[1]", 8, 0)), 8),
                "x.safetensors: tensor 'a' data_offsets [8,0] end before they begin");
        assertMalformed(
                file("{\"__metadata__\":{\"step\":7}}", 0),
                "x.safetensors: __metadata__ value of 'step' should be a string, found 7");
        assertMalformed(
                file("[1]", 0),
                "x.safetensors: the safetensors header should be a JSON object starting with"
                        + " '{', found '[1]     '");
        assertMalformed(
                file("{\"a\":", 0),
                "x.safetensors (safetensors header): invalid JSON at character 8: Unexpected end-of-input"
                        + " within/between Object entries, found the end of the text");
    }

    @Test
    void rejectsAHeaderThatIsNotUtf8() {
        byte[] f = file("{\"a\":1}", 0);
        f[10] = (byte) 0xC3; // a lead byte with no continuation
        assertMalformed(
                f, "x.safetensors: the safetensors header is not valid UTF-8: byte 0xC3 at offset 10 of the file");
    }

    @Test
    void namesAMissingFile() {
        Path f = dir.resolve("nope.safetensors");
        assertEquals(
                "checkpoint file " + f + " does not exist",
                assertThrows(CheckpointException.class, () -> Safetensors.read(f))
                        .getMessage());
    }

    @Test
    void refusesNamesTheFormatReserves() throws Exception {
        assertEquals(
                "a safetensors tensor needs a non-empty name other than __metadata__, found '__metadata__'",
                assertThrows(
                                CheckpointException.class,
                                () -> Safetensors.toBytes(
                                        Map.of("__metadata__", NdArray.zeros(DType.F32, 1)), Map.of()))
                        .getMessage());
        Path f = dir.resolve("m.safetensors");
        Files.writeString(f, "keep");
        assertThrows(
                CheckpointException.class,
                () -> Safetensors.write(f, Map.of("", NdArray.zeros(DType.F32, 1)), Map.of()));
        assertEquals("keep", Files.readString(f));
    }

    static String tensor(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + ","
                + end + "]}";
    }

    static String header(String... tensors) {
        return "{" + String.join(",", tensors) + "}";
    }

    /** A file of {@code header} (padded to 8 bytes) and {@code dataBytes} zero bytes of data. */
    static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(h);
        while (b.position() < 8 + padded) {
            b.put((byte) ' ');
        }
        return b.array();
    }

    static void assertMalformed(byte[] bytes, String message) {
        assertEquals(
                message,
                assertThrows(CheckpointException.class, () -> Safetensors.fromBytes(bytes, "x.safetensors"))
                        .getMessage());
    }
}
