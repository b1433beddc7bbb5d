package dev.javelin.codegen.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.kernel.Affine;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When consecutive loop stages may run as one pool call: only when every write stays in its row's block. */
class RegionsTest {
    private static final long[] ROWS = {64, 8}; // 64 rows of 8, split in 4 chunks

    private static Affine at(long c, long... coef) {
        return new Affine(c, coef);
    }

    private static LoopPrinter.Access load(String array, Affine index) {
        return new LoopPrinter.Access(array, index, false);
    }

    private static LoopPrinter.Access store(String array, Affine index) {
        return new LoopPrinter.Access(array, index, true);
    }

    private static LoopPrinter.Printed stage(long[] sizes, int chunks, LoopPrinter.Access... accesses) {
        return new LoopPrinter.Printed("", sizes[0], chunks, sizes, Arrays.asList(accesses));
    }

    /** A row maximum, then exp(x - max) into another buffer of the same array: one region. */
    @Test
    void rowLocalStagesShareARegion() {
        var max = stage(ROWS, 4, store("t", at(0, 1, 0)), load("m", at(0, 8, 1)));
        var exp = stage(ROWS, 4, store("m", at(1000, 8, 1)), load("m", at(0, 8, 1)), load("t", at(0, 1, 0)));
        var div = stage(ROWS, 4, store("m", at(1000, 8, 1)), load("m", at(1000, 8, 1)));
        assertEquals(3, Regions.end(List.of(max, exp, div), 0));
    }

    /** The next row's element is written by another task: the stages stay apart. */
    @Test
    void aReadOfAnotherRowsWriteEndsTheRegion() {
        var write = stage(ROWS, 4, store("m", at(1000, 8, 1)), load("m", at(0, 8, 1)));
        var shifted = stage(ROWS, 4, store("m", at(2000, 8, 1)), load("m", at(1008, 8, 1)));
        assertEquals(1, Regions.end(List.of(write, shifted), 0));
    }

    /** A column sum read by every row (stride 0 along the rows): not in one row's block. */
    @Test
    void aValueEveryRowReadsIsNotRowLocal() {
        long[] square = {8, 8};
        var columnSums = stage(square, 2, store("t", at(0, 1, 0)), load("m", at(0, 1, 8)));
        var centred = stage(square, 2, store("m", at(100, 8, 1)), load("m", at(0, 8, 1)), load("t", at(0, 0, 1)));
        assertEquals(1, Regions.end(List.of(columnSums, centred), 0));
    }

    /** A write over the region's own input, element by element, is fine; a different split is not. */
    @Test
    void inPlaceWritesJoinButDifferentSplitsDoNot() {
        var scale = stage(ROWS, 4, store("m", at(0, 8, 1)), load("m", at(0, 8, 1)));
        var again = stage(ROWS, 4, store("m", at(0, 8, 1)), load("m", at(0, 8, 1)));
        var otherSplit = stage(ROWS, 2, store("m", at(0, 8, 1)), load("m", at(0, 8, 1)));
        assertEquals(2, Regions.end(List.of(scale, again, otherSplit), 0));
        var serial = stage(ROWS, 1, store("m", at(0, 8, 1)));
        assertEquals(1, Regions.end(List.of(serial, serial), 0));
    }

    /** Buffers of one array that never meet do not constrain each other; a plain read-only input neither. */
    @Test
    void disjointBuffersAndInputsDoNotConstrain() {
        var a = stage(ROWS, 4, store("m", at(0, 8, 1)), load("w", at(0, 0, 1)));
        var b = stage(ROWS, 4, store("m", at(512, 8, 1)), load("w", at(0, 0, 1)), load("m", at(0, 8, 1)));
        assertEquals(2, Regions.end(List.of(a, b), 0));
    }
}
