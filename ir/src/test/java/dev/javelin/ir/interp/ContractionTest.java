package dev.javelin.ir.interp;

import static dev.javelin.ir.interp.Support.assertArray;
import static dev.javelin.ir.interp.Support.assertClose;
import static dev.javelin.ir.interp.Support.eval;
import static dev.javelin.ir.interp.Support.f64;
import static dev.javelin.ir.interp.Support.i32;
import static dev.javelin.ir.interp.Support.i64;
import static dev.javelin.ir.interp.Support.shape;

import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.PoolKind;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContractionTest {
    private static final double NAN = Double.NaN;

    // [[1, 2, 3], [4, 5, 6]] x [[7, 8], [9, 10], [11, 12]] = [[58, 64], [139, 154]]
    private static final NdArray A = f64(shape(2, 3), 1, 2, 3, 4, 5, 6);
    private static final NdArray B = f64(shape(3, 2), 7, 8, 9, 10, 11, 12);
    private static final NdArray AB = f64(shape(2, 2), 58, 64, 139, 154);
    private static final NdArray A_T = f64(shape(3, 2), 1, 4, 2, 5, 3, 6);
    private static final NdArray B_T = f64(shape(2, 3), 7, 9, 11, 8, 10, 12);

    private static NdArray matmul(boolean ta, boolean tb, NdArray a, NdArray b) {
        return eval(new MatMul(ta, tb), a, b);
    }

    @Test
    void matmulPlainAndTransposed() {
        assertArray(AB, matmul(false, false, A, B));
        assertArray(AB, matmul(true, false, A_T, B));
        assertArray(AB, matmul(false, true, A, B_T));
        assertArray(AB, matmul(true, true, A_T, B_T));
    }

    @Test
    void matmulBroadcastsBatchAxes() {
        // Two 1x2 matrices against one shared 2x1 matrix: [1, 2].[5, 6] = 17, [3, 4].[5, 6] = 39.
        assertArray(
                f64(shape(2, 1, 1), 17, 39),
                matmul(false, false, f64(shape(2, 1, 2), 1, 2, 3, 4), f64(shape(2, 1), 5, 6)));
        // 1x1 matrices with batch [2, 1] against batch [1, 3]: the outer product of {2, 3} and {10, 20, 30}.
        assertArray(
                f64(shape(2, 3, 1, 1), 20, 40, 60, 30, 60, 90),
                matmul(false, false, f64(shape(2, 1, 1, 1), 2, 3), f64(shape(1, 3, 1, 1), 10, 20, 30)));
        // Batch of transposed operands: a[0] = I, a[1] = 2I, each times [[1, 2], [3, 4]] transposed.
        assertArray(
                f64(shape(2, 2, 2), 1, 3, 2, 4, 2, 6, 4, 8),
                matmul(false, true, f64(shape(2, 2, 2), 1, 0, 0, 1, 2, 0, 0, 2), f64(shape(2, 2), 1, 2, 3, 4)));
    }

    @Test
    void matmulWithEmptyAxes() {
        assertArray(f64(shape(2, 3), 0, 0, 0, 0, 0, 0), matmul(false, false, f64(shape(2, 0)), f64(shape(0, 3))));
        assertArray(f64(shape(0, 2)), matmul(false, false, f64(shape(0, 3)), B));
        assertArray(f64(shape(0, 2, 2)), matmul(false, false, f64(shape(0, 2, 3)), B));
    }

    @Test
    void integerMatmulIsExactAndWraps() {
        assertArray(i32(shape(1, 1), 0), matmul(false, false, i32(shape(1, 1), 65536), i32(shape(1, 1), 65536)));
        long p = 1L << 53;
        assertArray(i64(shape(1, 1), p + 1), matmul(false, false, i64(shape(1, 2), p, 1), i64(shape(2, 1), 1, 1)));
    }

    @Test
    void matmulPropagatesNaN() {
        assertArray(f64(shape(1, 1), NAN), matmul(false, false, f64(shape(1, 2), NAN, 1), f64(shape(2, 1), 0, 1)));
    }

    private static Conv2d conv(long sh, long sw, List<Long> padding, long dh, long dw, long groups) {
        return new Conv2d(List.of(sh, sw), padding, List.of(dh, dw), groups);
    }

    private static final List<Long> NO_PAD = List.of(0L, 0L, 0L, 0L);
    private static final NdArray X3 = f64(shape(1, 1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9);
    private static final NdArray W2 = f64(shape(1, 1, 2, 2), 1, 2, 3, 4);

    @Test
    void conv2dByHand() {
        // out[0, 0] = 1*1 + 2*2 + 4*3 + 5*4 = 37, and so on, one step to the right or down.
        assertArray(f64(shape(1, 1, 2, 2), 37, 47, 67, 77), eval(conv(1, 1, NO_PAD, 1, 1, 1), X3, W2));
    }

    @Test
    void conv2dWithPaddingAndStride() {
        // Padded to 5x5, windows start at rows/columns -1 and 1; out[0, 0] sees only x[0, 0] (under
        // w = 4), out[0, 1] sees x[0, 1] and x[0, 2] (under 3 and 4), out[1, 0] sees x[1, 0] and
        // x[2, 0] (under 2 and 4).
        assertArray(f64(shape(1, 1, 2, 2), 4, 18, 36, 77), eval(conv(2, 2, List.of(1L, 1L, 1L, 1L), 1, 1, 1), X3, W2));
        // Asymmetric padding: one column on the left only, so windows start at column -1 and 0.
        assertArray(
                f64(shape(1, 1, 2, 3), 2 * 1 + 4 * 4, 37, 47, 2 * 4 + 4 * 7, 67, 77),
                eval(conv(1, 1, List.of(0L, 0L, 1L, 0L), 1, 1, 1), X3, W2));
    }

    @Test
    void conv2dWithDilation() {
        // The 2x2 kernel spread over a 3x3 span touches the corners: 1*1 + 3*2 + 7*3 + 9*4.
        assertArray(f64(shape(1, 1, 1, 1), 64), eval(conv(1, 1, NO_PAD, 2, 2, 1), X3, W2));
    }

    @Test
    void conv2dWithGroups() {
        NdArray x = f64(shape(1, 2, 1, 1), 2, 3);
        // groups = 2: each output channel sees only its own input channel.
        assertArray(
                f64(shape(1, 2, 1, 1), 20, 300), eval(conv(1, 1, NO_PAD, 1, 1, 2), x, f64(shape(2, 1, 1, 1), 10, 100)));
        // groups = 1: each output channel sums over both input channels.
        assertArray(
                f64(shape(1, 2, 1, 1), 5, -1),
                eval(conv(1, 1, NO_PAD, 1, 1, 1), x, f64(shape(2, 2, 1, 1), 1, 1, 1, -1)));
    }

    @Test
    void conv2dMatchesANaiveImplementationOnRandomSizes() {
        Random rnd = new Random(7);
        int checked = 0;
        // One fixed case with everything at once (stride 2, uneven padding, dilation 2, groups 2), then random ones.
        checked += compareWithNaive(2, 2, 3, 3, 7, 6, 3, 2, 2, 1, List.of(1L, 2L, 0L, 1L), 2, 2, rnd) ? 1 : 0;
        while (checked < 40) {
            int n = 1 + rnd.nextInt(2);
            int groups = 1 + rnd.nextInt(2);
            int cg = 1 + rnd.nextInt(3);
            int og = 1 + rnd.nextInt(3);
            int h = 1 + rnd.nextInt(7);
            int w = 1 + rnd.nextInt(7);
            int kh = 1 + rnd.nextInt(3);
            int kw = 1 + rnd.nextInt(3);
            List<Long> pad =
                    List.of((long) rnd.nextInt(3), (long) rnd.nextInt(3), (long) rnd.nextInt(3), (long) rnd.nextInt(3));
            checked += compareWithNaive(
                            n,
                            groups,
                            cg,
                            og,
                            h,
                            w,
                            kh,
                            kw,
                            1 + rnd.nextInt(2),
                            1 + rnd.nextInt(2),
                            pad,
                            1 + rnd.nextInt(2),
                            1 + rnd.nextInt(2),
                            rnd)
                    ? 1
                    : 0;
        }
    }

    /** Compares one configuration; false (nothing checked) when the window does not fit the input. */
    private static boolean compareWithNaive(
            int n,
            int groups,
            int cg,
            int og,
            int h,
            int w,
            int kh,
            int kw,
            int sh,
            int sw,
            List<Long> pad,
            int dh,
            int dw,
            Random rnd) {
        int hp = h + pad.get(0).intValue() + pad.get(1).intValue();
        int wp = w + pad.get(2).intValue() + pad.get(3).intValue();
        if (hp < dh * (kh - 1) + 1 || wp < dw * (kw - 1) + 1) {
            return false;
        }
        int c = cg * groups;
        int o = og * groups;
        double[][][][] x = new double[n][c][h][w];
        double[][][][] k = new double[o][cg][kh][kw];
        NdArray xa = NdArray.zeros(DType.F64, n, c, h, w);
        NdArray ka = NdArray.zeros(DType.F64, o, cg, kh, kw);
        fill(x, xa, rnd);
        fill(k, ka, rnd);
        double[][][][] expected = naiveConv(x, k, groups, sh, sw, pad, dh, dw);
        NdArray got = eval(conv(sh, sw, pad, dh, dw, groups), xa, ka);
        NdArray want = NdArray.zeros(DType.F64, got.shape());
        int i = 0;
        for (double[][][] a : expected) {
            for (double[][] b : a) {
                for (double[] r : b) {
                    for (double v : r) {
                        want.set(i++, v);
                    }
                }
            }
        }
        assertClose(want, got, 1e-12);
        return true;
    }

    private static void fill(double[][][][] t, NdArray flat, Random rnd) {
        int i = 0;
        for (double[][][] a : t) {
            for (double[][] b : a) {
                for (double[] r : b) {
                    for (int j = 0; j < r.length; j++) {
                        r[j] = rnd.nextInt(21) - 10 + rnd.nextDouble();
                        flat.set(i++, r[j]);
                    }
                }
            }
        }
    }

    /** Independent of the interpreter's index arithmetic: materialize the zero padding, then slide. */
    private static double[][][][] naiveConv(
            double[][][][] x, double[][][][] k, int groups, int sh, int sw, List<Long> pad, int dh, int dw) {
        int n = x.length;
        int c = x[0].length;
        int top = pad.get(0).intValue();
        int left = pad.get(2).intValue();
        int hp = x[0][0].length + top + pad.get(1).intValue();
        int wp = x[0][0][0].length + left + pad.get(3).intValue();
        double[][][][] xp = new double[n][c][hp][wp];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                for (int r = 0; r < x[0][0].length; r++) {
                    System.arraycopy(x[b][ch][r], 0, xp[b][ch][r + top], left, x[0][0][0].length);
                }
            }
        }
        int o = k.length;
        int cg = k[0].length;
        int kh = k[0][0].length;
        int kw = k[0][0][0].length;
        int oh = (hp - (dh * (kh - 1) + 1)) / sh + 1;
        int ow = (wp - (dw * (kw - 1) + 1)) / sw + 1;
        double[][][][] out = new double[n][o][oh][ow];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int firstIn = oc / (o / groups) * cg;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        for (int ic = 0; ic < cg; ic++) {
                            for (int a = 0; a < kh; a++) {
                                for (int e = 0; e < kw; e++) {
                                    out[b][oc][i][j] +=
                                            xp[b][firstIn + ic][i * sh + a * dh][j * sw + e * dw] * k[oc][ic][a][e];
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static Pool2d pool(PoolKind kind, long k, long s, long p) {
        return new Pool2d(kind, List.of(k, k), List.of(s, s), List.of(p, p, p, p));
    }

    @Test
    void poolingWithoutPadding() {
        NdArray x = f64(shape(1, 1, 4, 4), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        assertArray(f64(shape(1, 1, 2, 2), 6, 8, 14, 16), eval(pool(PoolKind.MAX, 2, 2, 0), x));
        assertArray(f64(shape(1, 1, 2, 2), 3.5, 5.5, 11.5, 13.5), eval(pool(PoolKind.AVG, 2, 2, 0), x));
    }

    @Test
    void maxPoolingPadsWithMinusInfinity() {
        // With zero padding every border window would give 0; -inf padding keeps the negative maxima.
        NdArray x = f64(shape(1, 1, 2, 2), -1, -2, -3, -4);
        assertArray(f64(shape(1, 1, 3, 3), -1, -1, -2, -1, -1, -2, -3, -3, -4), eval(pool(PoolKind.MAX, 2, 1, 1), x));
    }

    @Test
    void averagePoolingCountsPaddingAsZeros() {
        NdArray x = f64(shape(1, 1, 2, 2), 1, 2, 3, 4);
        assertArray(
                f64(shape(1, 1, 3, 3), 0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1),
                eval(pool(PoolKind.AVG, 2, 1, 1), x));
    }

    @Test
    void poolingKeepsBatchAndChannelsApartAndPropagatesNaN() {
        NdArray x = f64(shape(2, 2, 1, 2), 1, 2, NAN, 4, 5, 6, 7, 8);
        Pool2d max = new Pool2d(PoolKind.MAX, List.of(1L, 2L), List.of(1L, 1L), List.of(0L, 0L, 0L, 0L));
        assertArray(f64(shape(2, 2, 1, 1), 2, NAN, 6, 8), eval(max, x));
    }
}
