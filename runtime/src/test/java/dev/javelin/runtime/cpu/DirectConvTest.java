package dev.javelin.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DirectConv} (through {@link Convolutions}) against float64 loops, over channel counts on
 * both sides of the register block, asymmetric padding, odd and narrow planes and batches that
 * split unevenly into chunks; one thread and two give the same bits.
 */
class DirectConvTest {
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

    /** N C H W O KH KW top bottom left right. */
    static List<int[]> shapes() {
        List<int[]> shapes = new ArrayList<>();
        shapes.add(new int[] {3, 1, 28, 28, 6, 5, 5, 2, 2, 2, 2}); // LeNet's conv1
        shapes.add(new int[] {3, 6, 14, 14, 16, 5, 5, 0, 0, 0, 0}); // LeNet's conv2
        shapes.add(new int[] {20, 2, 9, 7, 7, 3, 3, 1, 1, 1, 1}); // 20 images: uneven chunks
        shapes.add(new int[] {3, 2, 7, 9, 3, 3, 3, 1, -1, 0, -2}); // cropped: rows and columns no tap reaches
        shapes.add(new int[] {2, 3, 6, 6, 8, 3, 3, 0, 0, 0, 0}); // dx over the input plane (no padding)
        // output channels filling whole vectors
        shapes.add(new int[] {20, 3, 9, 11, 2 * DirectConvKernels.V, 3, 3, 1, 0, 2, 1});
        shapes.add(new int[] {1, 1, 5, 3, DirectConvKernels.V, 3, 3, 1, 1, 1, 1});
        int[][] planes = {{7, 9}, {5, 3}, {11, 12}, {1, 1}};
        int[][] kernels = {{3, 3}, {1, 1}, {3, 2}, {5, 5}};
        int[][] pads = {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 1, 0, 1}, {2, 2, 2, 2}};
        int[] channels = {1, 3, 6};
        int[] outs = {1, 5, 6, 7, 13};
        int i = 0;
        for (int[] plane : planes) {
            for (int[] k : kernels) {
                for (int[] pad : pads) {
                    int h = plane[0] + pad[0] + pad[1] - k[0] + 1, w = plane[1] + pad[2] + pad[3] - k[1] + 1;
                    if (h < 1 || w < 1) {
                        continue;
                    }
                    int c = channels[i % channels.length], o = outs[i % outs.length];
                    int n = i % 2 == 0 ? 1 : 3;
                    i++;
                    shapes.add(new int[] {n, c, plane[0], plane[1], o, k[0], k[1], pad[0], pad[1], pad[2], pad[3]});
                }
            }
        }
        return shapes;
    }

    /** The geometry table (see {@link Convolutions}) of dense NCHW tensors at x, w, y in one array. */
    static int[] table(int[] s, int stride, int xAt, int wAt, int yAt) {
        int n = s[0], c = s[1], h = s[2], w = s[3], o = s[4], kh = s[5], kw = s[6];
        int oh = (h + s[7] + s[8] - kh) / stride + 1, ow = (w + s[9] + s[10] - kw) / stride + 1;
        return new int[] {
            n,
            c,
            h,
            w,
            o,
            c,
            kh,
            kw,
            oh,
            ow,
            stride,
            stride,
            1,
            1,
            s[7],
            s[9],
            o, //
            xAt,
            c * h * w,
            h * w,
            w,
            1, //
            wAt,
            c * kh * kw,
            kh * kw,
            kw,
            1, //
            yAt,
            o * oh * ow,
            oh * ow,
            ow,
            1
        };
    }

    private record Case(int[] g, float[] m, int x, int w, int y) {}

    private static Case make(int[] s, int stride, long seed) {
        int[] probe = table(s, stride, 0, 0, 0);
        int xs = s[0] * s[1] * s[2] * s[3], ws = s[4] * s[1] * s[5] * s[6];
        int ys = s[0] * s[4] * probe[8] * probe[9];
        int x = 3, w = x + xs + 5, y = w + ws + 7;
        float[] m = new float[y + ys + 2];
        Random r = new Random(seed);
        for (int i = 0; i < m.length; i++) {
            m[i] = r.nextFloat() * 2 - 1;
        }
        return new Case(table(s, stride, x, w, y), m, x, w, y);
    }

    private static double xAt(Case k, int n, int c, int ih, int iw) {
        int[] g = k.g;
        if (ih < 0 || ih >= g[2] || iw < 0 || iw >= g[3]) {
            return 0;
        }
        return k.m[g[17] + n * g[18] + c * g[19] + ih * g[20] + iw];
    }

    private static double wAt(Case k, int o, int c, int kh, int kw) {
        int[] g = k.g;
        return k.m[g[22] + o * g[23] + c * g[24] + kh * g[25] + kw];
    }

    private static int yIndex(int[] g, int n, int o, int oh, int ow) {
        return g[27] + n * g[28] + o * g[29] + oh * g[30] + ow;
    }

    /** Every (n, o, oh, ow, c, kh, kw) product of the convolution, in float64. */
    private interface Product {
        void add(int n, int o, int oh, int ow, int c, int kh, int kw, int ih, int iw);
    }

    private static void eachProduct(int[] g, Product p) {
        for (int n = 0; n < g[0]; n++) {
            for (int o = 0; o < g[4]; o++) {
                for (int oh = 0; oh < g[8]; oh++) {
                    for (int ow = 0; ow < g[9]; ow++) {
                        for (int c = 0; c < g[1]; c++) {
                            for (int kh = 0; kh < g[6]; kh++) {
                                for (int kw = 0; kw < g[7]; kw++) {
                                    int ih = oh * g[10] - g[14] + kh, iw = ow * g[11] - g[15] + kw;
                                    if (ih >= 0 && ih < g[2] && iw >= 0 && iw < g[3]) {
                                        p.add(n, o, oh, ow, c, kh, kw, ih, iw);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private static void assertClose(String what, double[] want, float[] got, int at) {
        double scale = 1e-6;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            if (Math.abs(want[i] - got[at + i]) > 1e-5 * scale) {
                fail(what + ": element " + i + " is " + got[at + i] + ", float64 gives " + want[i]);
            }
        }
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("shapes")
    void forwardMatchesFloat64(int[] s) {
        Case k = make(s, 1, 1);
        int[] g = k.g;
        assertTrue(DirectConv.supports(g));
        double[] want = new double[g[0] * g[4] * g[8] * g[9]];
        eachProduct(
                g,
                (n, o, oh, ow, c, kh, kw, ih, iw) ->
                        want[yIndex(g, n, o, oh, ow) - k.y] += wAt(k, o, c, kh, kw) * xAt(k, n, c, ih, iw));
        float[] before = k.m.clone();
        new Convolutions(two).conv2d(k.m, k.m, k.m, g);
        assertClose("y", want, k.m, k.y);
        assertArrayEquals(java.util.Arrays.copyOf(before, k.y), java.util.Arrays.copyOf(k.m, k.y), "x and w untouched");
        assertSameBitsOnOneThread(before, k.m, g, Convolutions::conv2d);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("shapes")
    void inputGradientMatchesFloat64(int[] s) {
        Case k = make(s, 1, 2);
        int[] g = k.g;
        double[] want = new double[g[0] * g[1] * g[2] * g[3]];
        eachProduct(
                g,
                (n, o, oh, ow, c, kh, kw, ih, iw) -> want[n * g[18] + c * g[19] + ih * g[20] + iw] +=
                        wAt(k, o, c, kh, kw) * k.m[yIndex(g, n, o, oh, ow)]);
        float[] before = k.m.clone();
        new Convolutions(two).conv2dBackpropInput(k.m, k.m, k.m, g);
        assertClose("dx", want, k.m, k.x);
        assertSameBitsOnOneThread(before, k.m, g, Convolutions::conv2dBackpropInput);
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("shapes")
    void filterGradientMatchesFloat64(int[] s) {
        Case k = make(s, 1, 3);
        int[] g = k.g;
        double[] want = new double[g[4] * g[1] * g[6] * g[7]];
        eachProduct(
                g,
                (n, o, oh, ow, c, kh, kw, ih, iw) -> want[o * g[23] + c * g[24] + kh * g[25] + kw] +=
                        xAt(k, n, c, ih, iw) * k.m[yIndex(g, n, o, oh, ow)]);
        float[] before = k.m.clone();
        new Convolutions(two).conv2dBackpropFilter(k.m, k.m, k.m, g);
        assertClose("dw", want, k.m, k.w);
        assertSameBitsOnOneThread(before, k.m, g, Convolutions::conv2dBackpropFilter);
    }

    private interface Call {
        void run(Convolutions conv, float[] a, float[] b, float[] c, int[] g);
    }

    private static void assertSameBitsOnOneThread(float[] before, float[] onTwo, int[] g, Call call) {
        float[] m = before.clone();
        call.run(new Convolutions(one), m, m, m, g);
        assertArrayEquals(onTwo, m, "one thread and two differ");
    }

    @Test
    void aSecondCallOnGrownScratchGivesTheSameBits() {
        Convolutions conv = new Convolutions(two);
        Case big = make(new int[] {3, 6, 14, 14, 16, 5, 5, 2, 2, 2, 2}, 1, 4);
        Case small = make(new int[] {1, 1, 5, 3, 7, 3, 3, 1, 0, 2, 1}, 1, 5);
        float[] fresh = small.m.clone();
        new Convolutions(two).conv2dBackpropFilter(fresh, fresh, fresh, small.g);
        conv.conv2dBackpropFilter(big.m, big.m, big.m, big.g);
        conv.conv2dBackpropFilter(small.m, small.m, small.m, small.g);
        assertArrayEquals(fresh, small.m);
    }

    @Test
    void strideTwoManyChannelsAndNhwcKeepTheMatrixPath() {
        int[] lenet = {3, 1, 28, 28, 6, 5, 5, 2, 2, 2, 2};
        assertTrue(DirectConv.supports(table(lenet, 1, 0, 0, 0)));
        assertFalse(DirectConv.supports(table(lenet, 2, 0, 0, 0)), "stride 2");
        int[] wide = {2, DirectConv.MAX_CHANNELS + 1, 8, 8, 4, 3, 3, 1, 1, 1, 1};
        assertFalse(DirectConv.supports(table(wide, 1, 0, 0, 0)), "many channels");
        int[] nhwc = table(lenet, 1, 0, 0, 0);
        nhwc[21] = 6; // x's W stride: channels last
        assertFalse(DirectConv.supports(nhwc), "NHWC input");
        int[] grouped = table(new int[] {2, 4, 8, 8, 4, 3, 3, 1, 1, 1, 1}, 1, 0, 0, 0);
        grouped[5] = 2;
        grouped[16] = 2;
        assertFalse(DirectConv.supports(grouped), "two groups");
    }

    @Test
    void strideTwoStillMatchesFloat64OnTheMatrixPath() {
        Case k = make(new int[] {2, 3, 9, 9, 5, 3, 3, 1, 1, 1, 1}, 2, 6);
        int[] g = k.g;
        assertEquals(5, g[8]);
        double[] want = new double[g[0] * g[4] * g[8] * g[9]];
        eachProduct(
                g,
                (n, o, oh, ow, c, kh, kw, ih, iw) ->
                        want[yIndex(g, n, o, oh, ow) - k.y] += wAt(k, o, c, kh, kw) * xAt(k, n, c, ih, iw));
        new Convolutions(two).conv2d(k.m, k.m, k.m, g);
        assertClose("y", want, k.m, k.y);
    }
}
