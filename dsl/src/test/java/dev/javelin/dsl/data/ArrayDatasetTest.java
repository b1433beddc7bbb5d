package dev.javelin.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArrayDatasetTest {

    /** Ten examples: x[i] = (i, i + 0.5) and y[i] = 2^60 + i (beyond a double's exact range). */
    static ArrayDataset ten() {
        NdArray x = NdArray.zeros(DType.F32, 10, 2);
        NdArray y = NdArray.zeros(DType.I64, 10);
        for (int i = 0; i < 10; i++) {
            x.set(2 * i, i);
            x.set(2 * i + 1, i + 0.5);
            y.setLong(i, (1L << 60) + i);
        }
        return new ArrayDataset(Map.of("x", x, "y", y));
    }

    @Test
    void batchGathersRowsInTheGivenOrderWithRepeats() {
        Map<String, NdArray> b = ten().batch(new int[] {7, 2, 7});
        assertEquals(NdArray.of(DType.F32, new long[] {3, 2}, 7, 7.5, 2, 2.5, 7, 7.5), b.get("x"));
        assertArrayEquals(
                new long[] {(1L << 60) + 7, (1L << 60) + 2, (1L << 60) + 7},
                b.get("y").toLongs());
        assertEquals(Set.of("x", "y"), b.keySet());
    }

    @Test
    void describesOneExample() {
        ArrayDataset d = ten();
        assertEquals(10, d.size());
        assertEquals(Map.of("x", TensorType.of(DType.F32, 2), "y", TensorType.of(DType.I64)), d.exampleTypes());
        assertEquals("ArrayDataset(10 examples, x: f32[2], y: i64[])", d.toString());
    }

    @Test
    void rejectsColumnsThatDisagreeOrHaveNoExampleAxis() {
        NdArray nine = NdArray.zeros(DType.F32, 9, 3);
        assertEquals(
                "the columns disagree on the number of examples (their leading size): a has 10, b has 9",
                assertThrows(
                                DataException.class,
                                () -> new ArrayDataset(Map.of("a", NdArray.zeros(DType.I32, 10), "b", nine)))
                        .getMessage());
        assertEquals(
                "column 's' is a scalar (f64[]); a column needs a leading axis that indexes the examples",
                assertThrows(DataException.class, () -> new ArrayDataset(Map.of("s", NdArray.scalar(DType.F64, 1))))
                        .getMessage());
        assertEquals(
                "a data set needs at least one column, found none",
                assertThrows(DataException.class, () -> new ArrayDataset(Map.of()))
                        .getMessage());
    }

    @Test
    void rejectsIndicesOutsideTheDataSet() {
        assertEquals(
                "index 10 (position 1 of the batch) is outside a data set of 10 examples",
                assertThrows(DataException.class, () -> ten().batch(new int[] {0, 10}))
                        .getMessage());
    }

    @Test
    void splitIsAFixedSeededPartition() {
        Dataset.Split s = ten().split(7, 5);
        assertEquals(7, s.train().size());
        assertEquals(3, s.test().size());
        Set<Long> seen = new HashSet<>();
        for (Dataset part : new Dataset[] {s.train(), s.test()}) {
            for (long y : part.batch(all(part.size())).get("y").toLongs()) {
                seen.add(y - (1L << 60));
            }
        }
        assertEquals(Set.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), seen);
        assertEquals(s, ten().split(7, 5));
        assertNotEquals(s.test(), ten().split(7, 6).test());
        int[] p = Permutations.of(10, 5, Permutations.SPLIT_STREAM);
        assertEquals(ten().subset(Arrays.copyOfRange(p, 7, 10)), s.test());
    }

    @Test
    void splitNeedsTwoNonEmptyParts() {
        assertEquals(
                "a split needs a train count between 1 and 9 (the data set has 10 examples), found 10",
                assertThrows(DataException.class, () -> ten().split(10, 1)).getMessage());
    }

    @Test
    void subsetCopiesRows() {
        ArrayDataset s = ten().subset(new int[] {3, 1});
        assertEquals(2, s.size());
        assertArrayEquals(new double[] {3, 3.5, 1, 1.5}, s.columns().get("x").toDoubles());
    }

    static int[] all(int n) {
        int[] p = new int[n];
        Arrays.setAll(p, i -> i);
        return p;
    }
}
