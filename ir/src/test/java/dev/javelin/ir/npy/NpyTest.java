package dev.javelin.ir.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against files NumPy wrote (see src/test/resources/npy/make_fixtures.py). */
class NpyTest {

    static byte[] fixture(String name) {
        try (InputStream in = NpyTest.class.getResourceAsStream("/npy/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static NdArray read(String name) {
        return Npy.fromBytes(fixture(name), name);
    }

    @Test
    void readsEveryDtypeNumpyWrote() {
        NdArray f32 = read("f32_2x3.npy");
        assertEquals(DType.F32, f32.dtype());
        assertArrayEquals(new long[] {2, 3}, f32.shape());
        assertArrayEquals(
                new double[] {1.5, -2.0, 0.1f, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 3.0e-8f},
                f32.toDoubles());
        assertArrayEquals(
                new double[] {0.1, -0.0, 1e300, 5e-324, Math.PI},
                read("f64_5.npy").toDoubles());
        assertArrayEquals(
                new double[] {0.5, -65504.0, Float.float16ToFloat(Float.floatToFloat16(0.1f))},
                read("f16_3.npy").toDoubles());
        NdArray i32 = read("i32_2x2x2.npy");
        assertArrayEquals(new long[] {2, 2, 2}, i32.shape());
        assertArrayEquals(new long[] {-4, -3, -2, -1, 0, 1, 2, 3}, i32.toLongs());
        assertArrayEquals(
                new long[] {-(1L << 62), 0, (1L << 53) + 1}, read("i64_3.npy").toLongs());
        assertArrayEquals(new double[] {1, 0, 0, 1}, read("bool_4.npy").toDoubles());
        NdArray scalar = read("f64_scalar.npy");
        assertEquals(0, scalar.rank());
        assertEquals(2.5, scalar.get(0));
        NdArray empty = read("f32_empty_0x3.npy");
        assertArrayEquals(new long[] {0, 3}, empty.shape());
        assertEquals(0, empty.size());
        assertTrue(Double.isNaN(read("f32_nan.npy").get(0)));
        assertArrayEquals(new double[] {1, 2, 3}, read("f64_v2.npy").toDoubles());
    }

    @Test
    void writesTheSameBytesAsNumpy() {
        for (String name : new String[] {
            "f32_2x3.npy",
            "f64_5.npy",
            "f16_3.npy",
            "i32_2x2x2.npy",
            "i64_3.npy",
            "bool_4.npy",
            "f64_scalar.npy",
            "f32_empty_0x3.npy",
            "f32_nan.npy"
        }) {
            assertArrayEquals(fixture(name), Npy.toBytes(read(name)), name);
        }
    }

    @Test
    void roundTripsThroughAFile(@TempDir Path tmp) throws IOException {
        NdArray a = NdArray.ofLongs(DType.I64, new long[] {3, 1}, Long.MIN_VALUE, 0, Long.MAX_VALUE);
        Path f = tmp.resolve("a.npy");
        Npy.write(f, a);
        assertEquals(a, Npy.read(f));
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void writingRoundsFloatsToTheDtype() {
        NdArray a = NdArray.of(DType.F32, new long[] {1}, 0.1);
        assertEquals((double) 0.1f, Npy.fromBytes(Npy.toBytes(a), "a").get(0));
    }

    @Test
    void rejectsBigEndianFortranAndBf16() {
        assertEquals(
                "f32_bigendian.npy: .npy dtype '>f4' is big-endian; only little-endian files are supported"
                        + " (numpy: a.astype(a.dtype.newbyteorder('<')))",
                error(fixture("f32_bigendian.npy"), "f32_bigendian.npy"));
        assertEquals(
                "f32_fortran.npy: Fortran-order .npy arrays are not supported; save a C-order array"
                        + " (numpy.ascontiguousarray) instead",
                error(fixture("f32_fortran.npy"), "f32_fortran.npy"));
        NpyException e = assertThrows(NpyException.class, () -> Npy.toBytes(NdArray.zeros(DType.BF16, 2)));
        assertEquals("bf16 has no .npy dtype; cast the array to f32 first", e.getMessage());
    }

    static String error(byte[] bytes, String name) {
        return assertThrows(NpyException.class, () -> Npy.fromBytes(bytes, name))
                .getMessage();
    }

    /** A version-1.0 file with the given header dictionary and data bytes. */
    static byte[] file(String dict, int dataBytes) {
        String header = dict + "\n";
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[10 + h.length + dataBytes];
        System.arraycopy(
                new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, (byte) (h.length >> 8)},
                0,
                out,
                0,
                10);
        System.arraycopy(h, 0, out, 10, h.length);
        return out;
    }

    @Test
    void rejectsAHeaderClaimingMoreDataThanTheFileHoldsBeforeAllocating() {
        byte[] huge = file("{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000,), }", 16);
        assertEquals(
                "x.npy: the header claims shape (100000000000,) of f64 (800000000000 bytes of data) but the file"
                        + " holds only 16",
                error(huge, "x.npy"));
        byte[] overflow = file("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 8), }", 0);
        assertEquals("x.npy: .npy shape (4294967296, 4294967296, 8) has too many elements", error(overflow, "x.npy"));
    }

    @Test
    void rejectsMalformedFilesWithTheirReason() {
        assertEquals(
                "x.npy: not a .npy file (3 bytes, shorter than the 10-byte preamble)",
                error(new byte[] {1, 2, 3}, "x.npy"));
        assertEquals("x.npy: not a .npy file (it does not start with \\x93NUMPY)", error(new byte[16], "x.npy"));
        byte[] truncated = Arrays.copyOf(fixture("f32_2x3.npy"), 40);
        assertEquals(
                "x.npy: the .npy header claims 118 bytes but the file has only 30 after the preamble",
                error(truncated, "x.npy"));
        byte[] trailing = Arrays.copyOf(fixture("f32_2x3.npy"), 152 + 3);
        assertEquals(
                "x.npy: 3 bytes follow the data the header describes (shape (2, 3) of f32)", error(trailing, "x.npy"));
        assertEquals(
                "x.npy: .npy dtype '<c8' is not supported (supported: <f4, <f8, <f2, <i4, <i8, |b1)",
                error(file("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8), "x.npy"));
        assertEquals(
                "x.npy: .npy header lacks the key 'shape'",
                error(file("{'descr': '<f4', 'fortran_order': False}", 0), "x.npy"));
        assertEquals(
                "x.npy: .npy shape must hold integers >= 0, found [-1]",
                error(file("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }", 0), "x.npy"));
        assertTrue(error(file("['not', 'a', 'dict']", 0), "x.npy")
                .startsWith("x.npy: malformed .npy header: expected '{'"));
        byte[] v9 = fixture("f32_2x3.npy").clone();
        v9[6] = 9;
        assertEquals("x.npy: .npy format version 9.0 is not supported (1.0, 2.0 and 3.0 are)", error(v9, "x.npy"));
    }

    @Test
    void deeplyNestedHeaderTuplesAreAnErrorNotAStackOverflow() {
        String deep = "{'descr': '<f4', 'fortran_order': False, 'shape': " + "(".repeat(100_000) + ")".repeat(100_000)
                + ", }";
        assertEquals(
                "x.npy: malformed .npy header: tuples nesting deeper than 32 levels at character 82 of {'descr': '<f4',"
                        + " 'fortran_order': False, 'shape': " + "(".repeat(70) + "...",
                error(file(deep, 0), "x.npy"));
    }

    @Test
    void missingFileIsAnIoError(@TempDir Path tmp) {
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Npy.read(tmp.resolve("none.npy")));
    }

    /** Every single-byte change, deletion and insertion (of a few telling bytes) reads or fails cleanly. */
    @Test
    void mutatedFilesReadOrFailCleanly() {
        String[] names = {
            "f32_2x3.npy",
            "f64_5.npy",
            "f16_3.npy",
            "i32_2x2x2.npy",
            "i64_3.npy",
            "bool_4.npy",
            "f64_scalar.npy",
            "f32_empty_0x3.npy",
            "f64_v2.npy"
        };
        byte[] values = {0, 1, 2, 0x7F, (byte) 0x80, (byte) 0xFF, '\'', ',', '(', ')', '9', '-', ' ', '{', '}', ':'};
        int cases = 0;
        for (String name : names) {
            byte[] bytes = fixture(name);
            for (int at = 0; at <= bytes.length; at++) {
                tryRead(Arrays.copyOf(bytes, at));
                cases++;
                for (byte v : values) {
                    if (at < bytes.length) {
                        byte[] m = bytes.clone();
                        m[at] = v;
                        tryRead(m);
                    }
                    byte[] ins = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, ins, 0, at);
                    ins[at] = v;
                    System.arraycopy(bytes, at, ins, at + 1, bytes.length - at);
                    tryRead(ins);
                    cases += 2;
                }
            }
        }
        assertTrue(cases > 30_000, "cases: " + cases);
    }

    private static void tryRead(byte[] mutated) {
        try {
            Npy.fromBytes(mutated, "m.npy");
        } catch (NpyException expected) {
            assertTrue(expected.getMessage().startsWith("m.npy: "), expected.getMessage());
        }
    }
}
