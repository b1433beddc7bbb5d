package dev.javelin.ir.npy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.testing.Mutations.Field;
import dev.javelin.ir.testing.ParserFuzz;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's fuzz test for {@code .npy} files: mutants of files numpy wrote and of files we write
 * (every dtype, scalars, empty and version-2 headers) either read or fail with an {@link
 * NpyException} that names the file; never another exception, a hang or a large allocation (a
 * header claiming 10^12 elements must fail before allocating them).
 */
class NpyFuzzTest {
    static final int INPUTS = 3_000;

    static List<byte[]> corpus() {
        List<byte[]> seeds = new ArrayList<>();
        for (String name : List.of(
                "f32_2x3.npy",
                "f64_5.npy",
                "f16_3.npy",
                "i32_2x2x2.npy",
                "i64_3.npy",
                "bool_4.npy",
                "f64_scalar.npy",
                "f32_empty_0x3.npy",
                "f64_v2.npy",
                "f32_bigendian.npy",
                "f32_fortran.npy")) {
            seeds.add(NpyTest.fixture(name));
        }
        seeds.add(Npy.toBytes(NdArray.of(DType.F32, new long[] {2, 1, 2}, 1, -2, 0.5, 1e30)));
        seeds.add(Npy.toBytes(NdArray.of(DType.I64, new long[] {3}, 7, -1, 1L << 40)));
        seeds.add(Npy.toBytes(NdArray.of(DType.BOOL, new long[] {1, 3}, 1, 0, 1)));
        seeds.add(Npy.toBytes(NdArray.zeros(DType.F16, 0)));
        // A header long enough to need format 2.0 (over 65535 bytes): a shape of many 1s.
        long[] ones = new long[11_000];
        java.util.Arrays.fill(ones, 1);
        seeds.add(Npy.toBytes(NdArray.zeros(DType.I32, ones)));
        return seeds;
    }

    /** The version byte and the 2- or 4-byte header length. */
    static final List<Field> FIELDS = List.of(new Field(6, 1), new Field(8, 2), new Field(8, 4));

    static String judge(Throwable t) {
        if (!(t instanceof NpyException e)) {
            return "not an NpyException";
        }
        return e.getMessage().startsWith("m.npy: ") ? null : "an NpyException that does not name the file";
    }

    @Test
    void mutatedNpyFilesReadOrFailNamingTheFile() {
        var summary = ParserFuzz.run(
                "NpyFuzzTest",
                RandomGraphs.masterSeed(20261206L),
                INPUTS,
                corpus(),
                FIELDS,
                "([",
                input -> Npy.fromBytes(input, "m.npy"),
                NpyFuzzTest::judge);
        assertTrue(summary.parsed() > 0, "no mutant read: the mutations are too coarse to test the happy path");
    }
}
