package dev.javelin.runtime.cpu;

import static dev.javelin.runtime.cpu.GemmKernel.VL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Gemm#batched} against one {@link Gemm#multiply} per product, bit for bit: row-major and
 * transposed operands, broadcast operands, two batch axes, sizes around the vector length.
 */
class GemmBatchedTest {
    private static CpuPool pool;
    private static Gemm gemm;

    @BeforeAll
    static void start() {
        pool = new CpuPool(2);
        gemm = new Gemm(pool);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] sizes = {{8, 8, 8}, {1, 1, 1}, {5, VL + 3, 7}, {Gemm.SMALL, Gemm.SMALL, Gemm.SMALL}, {3, 2 * VL, 1}};
        for (int[] s : sizes) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    for (boolean shareB : new boolean[] {false, true}) {
                        out.add(Arguments.of(s[0], s[1], s[2], ta, tb, shareB));
                    }
                }
            }
        }
        return out.stream();
    }

    /** Batch axes [3, 4]; B shared by every product (a weight) or one per product. */
    @ParameterizedTest(name = "{0}x{1}x{2} ta={3} tb={4} shared B={5}")
    @MethodSource("cases")
    void equalsOneMultiplyPerProduct(int m, int n, int k, boolean ta, boolean tb, boolean shareB) {
        int outer = 3, inner = 4;
        int aSize = m * k, bSize = k * n, cSize = m * n;
        float[] a = random(outer * inner * aSize + 5, 1);
        float[] b = random((shareB ? 1 : outer * inner) * bSize + 3, 2);
        int aRow = ta ? 1 : k, aCol = ta ? m : 1;
        int bRow = tb ? 1 : n, bCol = tb ? k : 1;
        // C with padded rows (ldc = n + 1) and an offset, so strides are really used.
        int ldc = n + 1;
        int cEach = m * ldc;
        int[] g = {
            m,
            n,
            k,
            5,
            aRow,
            aCol,
            3,
            bRow,
            bCol,
            2,
            ldc,
            2,
            outer,
            inner * aSize,
            shareB ? 0 : inner * bSize,
            inner * cEach,
            inner,
            aSize,
            shareB ? 0 : bSize,
            cEach
        };
        float[] got = new float[2 + outer * inner * cEach];
        gemm.batched(g, a, b, got);
        float[] want = new float[got.length];
        for (int i = 0; i < outer; i++) {
            for (int j = 0; j < inner; j++) {
                int q = i * inner + j;
                gemm.multiply(
                        m,
                        n,
                        k,
                        a,
                        5 + q * aSize,
                        aRow,
                        aCol,
                        b,
                        3 + (shareB ? 0 : q * bSize),
                        bRow,
                        bCol,
                        want,
                        2 + q * cEach,
                        ldc,
                        Gemm.NONE);
            }
        }
        assertArrayEquals(want, got);
    }

    @Test
    void sameBitsOnOneThread() {
        int[] g = {8, 8, 8, 0, 8, 1, 0, 1, 8, 0, 8, 1, 512, 64, 64, 64};
        float[] a = random(512 * 64, 3);
        float[] b = random(512 * 64, 4);
        float[] two = new float[512 * 64];
        gemm.batched(g, a, b, two);
        float[] one = new float[two.length];
        try (CpuPool single = new CpuPool(1)) {
            new Gemm(single).batched(g, a, b, one);
        }
        assertArrayEquals(one, two);
    }

    @Test
    void refusesLargeProductsAndOperandsPastTheEnd() {
        int big = Gemm.SMALL + 1;
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> gemm.batched(
                        new int[] {big, 8, 8, 0, 8, 1, 0, 8, 1, 0, 8, 1, 2, 0, 0, 0},
                        new float[1],
                        new float[1],
                        new float[1]));
        assertTrue(e.getMessage().contains("m=" + big), e.getMessage());
        float[] c = new float[2 * 64];
        var past = assertThrows(
                IndexOutOfBoundsException.class,
                () -> gemm.batched(
                        new int[] {8, 8, 8, 0, 8, 1, 0, 8, 1, 0, 8, 1, 3, 64, 64, 64},
                        new float[128],
                        new float[192],
                        c));
        assertTrue(past.getMessage().startsWith("A: element"), past.getMessage());
        assertEquals(0f, c[0], "nothing written before the check");
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextFloat() * 2 - 1;
        }
        return x;
    }
}
