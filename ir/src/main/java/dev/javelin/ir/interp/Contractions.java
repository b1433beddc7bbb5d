package dev.javelin.ir.interp;

import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.value.NdArray;
import java.util.Arrays;

/**
 * Contractions and windows: batched matmul, conv2d and pooling, each one plain loop nest with the
 * accumulation in ascending order of the contracted indices.
 */
final class Contractions {
    private Contractions() {}

    /**
     * {@code out[..., m, n] = sum_k a[..., m, k] * b[..., k, n]} (operands transposed first where
     * flagged), batch axes broadcast by NumPy rules. Integers accumulate exactly and wrap; K = 0 gives
     * zeros.
     */
    static NdArray matmul(MatMul mm, NdArray a, NdArray b, NdArray out) {
        long[] as = a.shape();
        long[] bs = b.shape();
        long[] os = out.shape();
        int ar = as.length;
        int br = bs.length;
        int rows = (int) os[os.length - 2];
        int cols = (int) os[os.length - 1];
        int depth = (int) (mm.transposeA() ? as[ar - 2] : as[ar - 1]);
        long[] aBatch = Arrays.copyOf(as, ar - 2);
        long[] bBatch = Arrays.copyOf(bs, br - 2);
        long[] oBatch = Arrays.copyOf(os, os.length - 2);
        long[] idx = new long[oBatch.length];
        int aMat = (int) (as[ar - 2] * as[ar - 1]);
        int bMat = (int) (bs[br - 2] * bs[br - 1]);
        boolean integer = a.dtype().isInteger();
        for (int batch = 0; batch < Index.numel(oBatch); batch++) {
            Index.unravel(batch, oBatch, idx);
            int aBase = Index.broadcastFlat(idx, aBatch) * aMat;
            int bBase = Index.broadcastFlat(idx, bBatch) * bMat;
            int oBase = batch * rows * cols;
            for (int m = 0; m < rows; m++) {
                for (int n = 0; n < cols; n++) {
                    double acc = 0;
                    long accLong = 0;
                    for (int k = 0; k < depth; k++) {
                        // a is [M, K] (or [K, M] transposed), b is [K, N] (or [N, K] transposed).
                        int ia = aBase + (mm.transposeA() ? k * rows + m : m * depth + k);
                        int ib = bBase + (mm.transposeB() ? n * depth + k : k * cols + n);
                        if (integer) {
                            accLong += a.getLong(ia) * b.getLong(ib);
                        } else {
                            acc += a.get(ia) * b.get(ib);
                        }
                    }
                    if (integer) {
                        out.setLong(oBase + m * cols + n, accLong);
                    } else {
                        out.set(oBase + m * cols + n, acc);
                    }
                }
            }
        }
        return out;
    }

    /**
     * Cross-correlation in NCHW / OIHW: {@code out[n, o, oh, ow] = sum_{c, kh, kw} x[n, g*Cg + c, oh*sh
     * - top + kh*dh, ow*sw - left + kw*dw] * w[o, c, kh, kw]}, where output channel o belongs to group
     * {@code g = o / (O / groups)}, c runs over that group's {@code Cg = C / groups} input channels,
     * and positions outside the input are the zero padding.
     */
    static NdArray conv2d(Conv2d cv, NdArray x, NdArray w, NdArray out) {
        // out is zeroed; each output adds its taps in (c, kh, kw) order, in float64.
        WindowGradients.forEachTap(cv, x.shape(), w.shape(), out.shape(), (xi, wi, yi) -> {
            out.set(yi, out.get(yi) + x.get(xi) * w.get(wi));
        });
        return out;
    }

    /**
     * Max pooling is the largest element of the window, padding counting as -inf (so NaN
     * propagates); average pooling is the window's sum divided by kh*kw, padding counting as zeros
     * (PyTorch's count_include_pad=True).
     */
    static NdArray pool2d(Pool2d p, NdArray x, NdArray out) {
        long[] xs = x.shape();
        long[] os = out.shape();
        int height = (int) xs[2];
        int width = (int) xs[3];
        int kh = p.kernel().get(0).intValue();
        int kw = p.kernel().get(1).intValue();
        int sh = p.stride().get(0).intValue();
        int sw = p.stride().get(1).intValue();
        int top = p.padding().get(0).intValue();
        int left = p.padding().get(2).intValue();
        boolean max = switch (p.kind()) {
            case MAX -> true;
            case AVG -> false;
        };
        for (int nc = 0; nc < os[0] * os[1]; nc++) {
            for (int oh = 0; oh < os[2]; oh++) {
                for (int ow = 0; ow < os[3]; ow++) {
                    double acc = max ? Double.NEGATIVE_INFINITY : 0;
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            int ih = oh * sh - top + i;
                            int iw = ow * sw - left + j;
                            boolean inside = ih >= 0 && ih < height && iw >= 0 && iw < width;
                            double v = inside
                                    ? x.get((nc * height + ih) * width + iw)
                                    : max ? Double.NEGATIVE_INFINITY : 0;
                            acc = max ? Math.max(acc, v) : acc + v;
                        }
                    }
                    out.set((int) ((nc * os[2] + oh) * os[3] + ow), max ? acc : acc / (kh * kw));
                }
            }
        }
        return out;
    }
}
