package dev.javelin.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Windows}' fast pooling paths ({@link PoolKernels}) against its general loops, bit for
 * bit: ties, NaN, signed zeros, odd planes, rows narrower and wider than a vector, padding and
 * overlapping windows; one thread and two give the same bits.
 */
class PoolingPathsTest {
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

    /** N C H W KH KW SH SW top bottom left right, then max (1) or average (0). */
    static List<int[]> shapes() {
        int[][] windows = {
            {2, 2, 2, 2, 0, 0, 0, 0}, // LeNet's
            {3, 3, 3, 3, 0, 0, 0, 0},
            {3, 3, 2, 2, 1, 1, 1, 1}, // overlapping: the general gradient
            {2, 2, 2, 2, 1, 0, 0, 1}, // padded: the scalar rows
            {2, 3, 3, 4, 1, 1, 2, 2}, // gaps between windows
            {1, 1, 1, 1, 0, 0, 0, 0}
        };
        int[][] planes = {{28, 28}, {10, 10}, {7, 9}, {5, 3}, {2, 2}, {4, 70}, {6, 2 * PoolKernels.V + 3}};
        List<int[]> shapes = new ArrayList<>();
        int i = 0;
        for (int[] w : windows) {
            for (int[] p : planes) {
                boolean fits = p[0] + w[4] + w[5] >= w[0] && p[1] + w[6] + w[7] >= w[1];
                for (int max = 0; max < 2 && fits; max++) {
                    int n = i++ % 2 == 0 ? 1 : 3;
                    shapes.add(new int[] {n, 2, p[0], p[1], w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], max});
                }
            }
        }
        return shapes;
    }

    /** The pooling table (see {@link Windows}) of dense NCHW x, dy and out at the given offsets. */
    static int[] table(int[] s, int xAt, int yAt, int outAt, boolean backprop) {
        int n = s[0], c = s[1], h = s[2], w = s[3];
        int oh = (h + s[8] + s[9] - s[4]) / s[6] + 1, ow = (w + s[10] + s[11] - s[5]) / s[7] + 1;
        int os = backprop ? h * w : oh * ow, orow = backprop ? w : ow;
        return new int[] {
            n,
            c,
            h,
            w,
            oh,
            ow,
            s[4],
            s[5],
            s[6],
            s[7],
            s[8],
            s[10],
            s[12], //
            xAt,
            c * h * w,
            h * w,
            w,
            1, //
            yAt,
            c * oh * ow,
            oh * ow,
            ow,
            1, //
            outAt,
            c * os,
            os,
            orow,
            1
        };
    }

    /** Values drawn from a few, so windows hold ties, NaN and both zeros. */
    private static float[] values(int size, long seed) {
        float[] pick = {-1f, 0f, -0f, 1f, 2f, Float.NaN, -3f, 0.5f};
        Random r = new Random(seed);
        float[] m = new float[size];
        for (int i = 0; i < size; i++) {
            m[i] = r.nextInt(10) < 8 ? pick[r.nextInt(pick.length)] : r.nextFloat();
        }
        return m;
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("shapes")
    void poolingMatchesTheGeneralLoop(int[] s) {
        int[] probe = table(s, 0, 0, 0, false);
        int xs = s[0] * s[1] * s[2] * s[3], ys = s[0] * s[1] * probe[4] * probe[5];
        int[] g = table(s, 1, 0, xs + 4, false);
        float[] m = values(xs + ys + 9, s[2] * 31L + s[3]);
        float[] want = m.clone();
        for (int p = 0; p < g[0] * g[1]; p++) {
            Windows.poolPlane(want, want, g, p / g[1], p % g[1]);
        }
        float[] onOne = m.clone();
        new Windows(two).pool2d(m, m, m, g);
        new Windows(one).pool2d(onOne, onOne, onOne, g);
        assertArrayEquals(want, m);
        assertArrayEquals(m, onOne, "one thread and two differ");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("shapes")
    void gradientMatchesTheGeneralLoop(int[] s) {
        int[] probe = table(s, 0, 0, 0, true);
        int xs = s[0] * s[1] * s[2] * s[3], ys = s[0] * s[1] * probe[4] * probe[5];
        int[] g = table(s, 2, xs + 3, xs + ys + 5, true);
        float[] m = values(2 * xs + ys + 11, s[2] * 17L + s[3]);
        float[] want = m.clone();
        for (int p = 0; p < g[0] * g[1]; p++) {
            Windows.gradPlane(want, want, want, g, p / g[1], p % g[1]);
        }
        float[] onOne = m.clone();
        new Windows(two).pool2dBackprop(m, m, m, g);
        new Windows(one).pool2dBackprop(onOne, onOne, onOne, g);
        assertArrayEquals(want, m);
        assertArrayEquals(m, onOne, "one thread and two differ");
    }

    @Test
    void theFirstMaximumTakesTheGradientAndNanCountsAsLargest() {
        // One 2x2 window per case: x row-major, dy = 5; the winner's position gets 5.
        float nan = Float.NaN;
        float[][] windows = {{1, 3, 3, 2}, {2, 2, 2, 2}, {1, nan, 7, nan}, {nan, 9, 9, nan}, {-0f, 0f, 0f, -0f}};
        int[] winners = {1, 0, 1, 0, 0};
        for (int k = 0; k < windows.length; k++) {
            int[] g = table(new int[] {1, 1, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 1}, 0, 4, 5, true);
            assertTrue(PoolKernels.pair(g, true));
            float[] m = new float[9];
            System.arraycopy(windows[k], 0, m, 0, 4);
            m[4] = 5;
            new Windows(two).pool2dBackprop(m, m, m, g);
            for (int i = 0; i < 4; i++) {
                assertEquals(i == winners[k] ? 5f : 0f, m[5 + i], "window " + k + " position " + i);
            }
        }
    }

    @Test
    void rowsWithGapsBetweenThemKeepTheGaps() {
        // x and dx rows 3 floats apart beyond their width (a view into a wider tensor): the vector
        // stores may not run past a row there, so the gaps must keep their values.
        for (int w : new int[] {4, 28, 2 * PoolKernels.V + 6}) {
            int[] s = {2, 3, 6, w, 2, 2, 2, 2, 0, 0, 0, 0, 1};
            int rows = 6 * 3 * 2, stride = w + 3, xs = rows * stride;
            int[] g = table(s, 0, xs + 1, 0, true);
            int ys = 2 * 3 * 3 * (w / 2);
            int dxAt = xs + ys + 2;
            int[] planes = {3 * 6 * stride, 6 * stride, stride, 1};
            System.arraycopy(planes, 0, g, 14, 4);
            g[23] = dxAt;
            System.arraycopy(planes, 0, g, 24, 4);
            assertTrue(PoolKernels.pair(g, true));
            float[] m = values(dxAt + xs + 1, w);
            float[] want = m.clone();
            for (int p = 0; p < 6; p++) {
                Windows.gradPlane(want, want, want, g, p / 3, p % 3);
            }
            new Windows(two).pool2dBackprop(m, m, m, g);
            assertArrayEquals(want, m, "width " + w);
        }
    }

    @Test
    void stridedRowsTakeTheGeneralLoops() {
        int[] g = table(new int[] {1, 2, 4, 4, 2, 2, 2, 2, 0, 0, 0, 0, 1}, 0, 0, 0, false);
        assertTrue(PoolKernels.pair(g, false));
        g[17] = 2; // x's W stride
        assertFalse(PoolKernels.pair(g, false));
        assertFalse(PoolKernels.rows(g, false));
        int[] overlapping = table(new int[] {1, 2, 8, 8, 3, 3, 2, 2, 0, 0, 0, 0, 1}, 0, 0, 0, true);
        assertTrue(PoolKernels.rows(overlapping, false));
        assertFalse(PoolKernels.rows(overlapping, true));
    }
}
