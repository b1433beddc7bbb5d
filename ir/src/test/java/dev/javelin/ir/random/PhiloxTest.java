package dev.javelin.ir.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Philox 4x32-10 against the known-answer vectors published with Random123 (kat_vectors). */
class PhiloxTest {

    @Test
    void zeroCounterAndKey() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, Philox.block(0, 0, 0, 0, 0, 0));
    }

    @Test
    void allOnes() {
        assertArrayEquals(
                new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, Philox.block(-1, -1, -1, -1, -1, -1));
    }

    @Test
    void digitsOfPi() {
        assertArrayEquals(
                new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void uniformUsesTheTop24BitsOfEachWord() {
        int[] w = Philox.block(0, 0, 0, 0, 42, 0);
        for (int lane = 0; lane < 4; lane++) {
            assertEquals((w[lane] >>> 8) / 16777216.0, Philox.uniform(42, 0, lane));
        }
        int[] next = Philox.block(1, 0, 7, 0, 42, 0);
        assertEquals((next[2] >>> 8) / 16777216.0, Philox.uniform(42, 7, 6));
    }

    @Test
    void uniformStatisticsAreSane() {
        int n = 100_000;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double u = Philox.uniform(1234, 5, i);
            assertTrue(u >= 0 && u < 1);
            sum += u;
        }
        assertEquals(0.5, sum / n, 0.01);
    }

    @Test
    void normalStatisticsAreSane() {
        int n = 100_000;
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double z = Philox.normal(99, 0, i);
            assertTrue(Double.isFinite(z));
            sum += z;
            sq += z * z;
        }
        assertEquals(0, sum / n, 0.02);
        assertEquals(1, sq / n, 0.02);
    }

    @Test
    void differentOffsetsGiveDifferentStreams() {
        assertTrue(Philox.uniform(7, 0, 0) != Philox.uniform(7, 1, 0));
        assertEquals(Philox.uniform(7, 3, 10), Philox.uniform(7, 3, 10));
    }
}
