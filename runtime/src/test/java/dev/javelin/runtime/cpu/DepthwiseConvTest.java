package dev.javelin.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Depthwise convolutions (one input channel per group, as MobileNet's), which {@link Convolutions}
 * runs as {@link DepthwiseConv}'s vector loops (or {@link Windows}' plane loops where rows are
 * strided) instead of one tiny matrix product per group: against
 * float64 loops over strides, dilations, asymmetric padding, channel multipliers, batch 1 and 3 and
 * a channels-last layout; one thread and two give the same bits.
 */
class DepthwiseConvTest {
    private static CpuPool one;
    private static CpuPool two;

    @BeforeAll
    static void start() {
        one = new CpuPool(1);
        two = new CpuPool(2);
    }

    @AfterAll
    static void stop() {
        one.close();
        two.close();
    }

    /** N C H W multiplier KH KW stride-h stride-w dilation top bottom left right channels-last. */
    static List<int[]> shapes() {
        return List.of(
                new int[] {1, 200, 2, 96, 1, 5, 5, 1, 1, 1, 2, 2, 2, 2, 0}, // PP-OCR cls, the slowest before
                new int[] {1, 104, 3, 96, 1, 5, 5, 2, 1, 1, 2, 2, 2, 2, 0}, // stride (2, 1)
                new int[] {3, 8, 24, 96, 1, 3, 3, 2, 1, 1, 1, 1, 1, 1, 0},
                new int[] {2, 6, 9, 11, 1, 3, 3, 2, 2, 1, 1, 0, 0, 1, 0}, // stride 2, asymmetric padding
                new int[] {1, 5, 7, 7, 3, 3, 3, 1, 1, 2, 2, 2, 2, 2, 0}, // multiplier 3, dilation 2
                new int[] {2, 4, 6, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1}, // channels last (strided rows)
                new int[] {1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0}, // 1x1 plane
                new int[] {2, 3, 4, 3, 1, 5, 5, 1, 1, 1, 2, 2, 2, 2, 0}, // kernel wider than the row: no vectors
                new int[] {1, 4, 5, 37, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0}, // a partial vector at the row's end
                new int[] {1, 4, 5, 40, 1, 3, 5, 1, 1, 1, 0, 2, 3, 0, 0}); // uneven left and right padding
    }

    private record Case(int[] g, float[] m, int y, int ys) {}

    /** The geometry table (see {@link Convolutions}) of x, w, y laid out in one array, seeded values. */
    private static Case make(int[] s, long seed) {
        int n = s[0], c = s[1], h = s[2], w = s[3], mult = s[4], kh = s[5], kw = s[6];
        int sh = s[7], sw = s[8], d = s[9];
        int o = c * mult;
        int oh = (h + s[10] + s[11] - d * (kh - 1) - 1) / sh + 1;
        int ow = (w + s[12] + s[13] - d * (kw - 1) - 1) / sw + 1;
        boolean last = s[14] == 1;
        int xAt = 3, wAt = xAt + n * c * h * w + 5, yAt = wAt + o * kh * kw + 7;
        int[] xStrides = last ? new int[] {c * h * w, 1, w * c, c} : new int[] {c * h * w, h * w, w, 1};
        int[] yStrides = last ? new int[] {o * oh * ow, 1, ow * o, o} : new int[] {o * oh * ow, oh * ow, ow, 1};
        int[] g = {
            n,
            c,
            h,
            w,
            o,
            1,
            kh,
            kw,
            oh,
            ow,
            sh,
            sw,
            d,
            d,
            s[10],
            s[12],
            mult, //
            xAt,
            xStrides[0],
            xStrides[1],
            xStrides[2],
            xStrides[3], //
            wAt,
            kh * kw,
            kh * kw,
            kw,
            1, //
            yAt,
            yStrides[0],
            yStrides[1],
            yStrides[2],
            yStrides[3]
        };
        int ys = n * o * oh * ow;
        float[] m = new float[yAt + ys + 2];
        Random r = new Random(seed);
        for (int i = 0; i < m.length; i++) {
            m[i] = r.nextFloat() * 2 - 1;
        }
        return new Case(g, m, yAt, ys);
    }

    /** y in float64, in y's memory order relative to its base. */
    private static double[] reference(Case k) {
        int[] g = k.g;
        float[] m = k.m;
        double[] want = new double[k.ys];
        for (int n = 0; n < g[0]; n++) {
            for (int o = 0; o < g[4]; o++) {
                int c = o / g[16];
                for (int oh = 0; oh < g[8]; oh++) {
                    for (int ow = 0; ow < g[9]; ow++) {
                        double sum = 0;
                        for (int kh = 0; kh < g[6]; kh++) {
                            for (int kw = 0; kw < g[7]; kw++) {
                                int ih = oh * g[10] - g[14] + kh * g[12], iw = ow * g[11] - g[15] + kw * g[13];
                                if (ih >= 0 && ih < g[2] && iw >= 0 && iw < g[3]) {
                                    sum += (double) m[g[22] + o * g[23] + kh * g[25] + kw]
                                            * m[g[17] + n * g[18] + c * g[19] + ih * g[20] + iw * g[21]];
                                }
                            }
                        }
                        want[n * g[28] + o * g[29] + oh * g[30] + ow * g[31]] = sum;
                    }
                }
            }
        }
        return want;
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("shapes")
    void forwardMatchesFloat64OnOneThreadAndTwo(int[] s) {
        Case k = make(s, 7);
        int[] g = k.g;
        assertTrue(Convolutions.depthwise(g), "takes the depthwise loops");
        assertEquals(s[14] == 0 && s[8] == 1, DepthwiseConv.supports(g), "vector loops for rows of unit stride");
        assertFalse(DirectConv.supports(g), "not the direct path");
        double[] want = reference(k);
        float[] before = k.m.clone();
        new Convolutions(two).conv2d(k.m, k.m, k.m, g);
        for (int i = 0; i < want.length; i++) {
            if (Math.abs(want[i] - k.m[k.y + i]) > 1e-5 * Math.max(1, Math.abs(want[i]))) {
                fail("y element " + i + " is " + k.m[k.y + i] + ", float64 gives " + want[i]);
            }
        }
        assertArrayEquals(java.util.Arrays.copyOf(before, k.y), java.util.Arrays.copyOf(k.m, k.y), "x and w untouched");
        float[] m = before.clone();
        new Convolutions(one).conv2d(m, m, m, g);
        assertArrayEquals(k.m, m, "one thread and two differ");
    }
}
