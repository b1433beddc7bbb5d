package dev.javelin.dsl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.testing.Mutations.Field;
import dev.javelin.ir.testing.ParserFuzz;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's fuzz test for safetensors files: mutants of files we write (every dtype, metadata,
 * scalars, empty tensors) either read or fail with a {@link CheckpointException} naming the file;
 * never another exception, a hang or a large allocation (a header length of 2^60 must be refused,
 * not allocated). The 8-byte header length is one of the mutated fields.
 */
class SafetensorsFuzzTest {
    static final int INPUTS = 3_000;

    static List<byte[]> corpus() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(Safetensors.toBytes(SafetensorsTest.everyDtype(), Map.of("step", "7", "format", "pt")));
        seeds.add(Safetensors.toBytes(Map.of("w", NdArray.of(DType.F32, new long[] {2}, 1, 2)), Map.of()));
        seeds.add(Safetensors.toBytes(
                Map.of(
                        "layer.0.weight", NdArray.zeros(DType.BF16, 3, 2),
                        "layer.0.bias", NdArray.zeros(DType.I64, 2)),
                Map.of()));
        seeds.add(Safetensors.toBytes(Map.of("s", NdArray.scalar(DType.BOOL, 1)), Map.of("note", "\"quoted\" \\ é")));
        seeds.add(Safetensors.toBytes(Map.of(), Map.of()));
        return seeds;
    }

    static String judge(Throwable t) {
        if (!(t instanceof CheckpointException e)) {
            return "not a CheckpointException";
        }
        return e.getMessage().contains("m.safetensors") ? null : "a CheckpointException that does not name the file";
    }

    @Test
    void mutatedSafetensorsFilesReadOrFailNamingTheFile() {
        var summary = ParserFuzz.run(
                "SafetensorsFuzzTest",
                RandomGraphs.masterSeed(20261206L),
                INPUTS,
                corpus(),
                List.of(new Field(0, 8), new Field(0, 4), new Field(4, 4)),
                "[{",
                input -> Safetensors.fromBytes(input, "m.safetensors"),
                SafetensorsFuzzTest::judge);
        assertTrue(summary.parsed() > 0, "no mutant read: the mutations are too coarse to test the happy path");
    }
}
