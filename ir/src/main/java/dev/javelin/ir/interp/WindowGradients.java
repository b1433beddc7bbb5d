package dev.javelin.ir.interp;

import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Pool2dBackprop;
import dev.javelin.ir.value.NdArray;

/**
 * The gradients of conv2d and pooling, each written in scatter form over the forward op's own loop
 * nest: where the forward op reads {@code x} at a position to make {@code y} at another, the gradient
 * adds {@code dy} there back into {@code dx}. So each is correct exactly when the visit below
 * matches {@link Contractions}' forward loops, which it repeats index for index. Accumulation runs in
 * the visit's (C) order, so results are deterministic.
 */
final class WindowGradients {
    private WindowGradients() {}

    /** One multiply of the forward convolution: {@code y[yi] += x[xi] * w[wi]}, as flat positions. */
    interface Tap {
        void at(int xi, int wi, int yi);
    }

    /**
     * Visits every (input, weight, output) triple of the convolution's loop nest that lies inside
     * the input (taps on the zero padding contribute nothing and are skipped), output by output in
     * row-major order and, within one output, in (c, kh, kw) order: the forward convolution and
     * both its gradients walk it.
     */
    static void forEachTap(Conv2d cv, long[] xs, long[] ws, long[] os, Tap tap) {
        int channels = (int) xs[1];
        int height = (int) xs[2];
        int width = (int) xs[3];
        int groupIn = (int) ws[1];
        int groupOut = (int) (ws[0] / cv.groups());
        int sh = cv.stride().get(0).intValue();
        int sw = cv.stride().get(1).intValue();
        int dh = cv.dilation().get(0).intValue();
        int dw = cv.dilation().get(1).intValue();
        int top = cv.padding().get(0).intValue();
        int left = cv.padding().get(2).intValue();
        for (int n = 0; n < os[0]; n++) {
            for (int o = 0; o < os[1]; o++) {
                int g = o / groupOut;
                for (int oh = 0; oh < os[2]; oh++) {
                    for (int ow = 0; ow < os[3]; ow++) {
                        int yi = (int) (((n * os[1] + o) * os[2] + oh) * os[3] + ow);
                        for (int c = 0; c < groupIn; c++) {
                            for (int kh = 0; kh < ws[2]; kh++) {
                                for (int kw = 0; kw < ws[3]; kw++) {
                                    int ih = oh * sh - top + kh * dh;
                                    int iw = ow * sw - left + kw * dw;
                                    if (ih < 0 || ih >= height || iw < 0 || iw >= width) {
                                        continue;
                                    }
                                    int ic = g * groupIn + c;
                                    int xi = ((n * channels + ic) * height + ih) * width + iw;
                                    int wi = (int) (((o * ws[1] + c) * ws[2] + kh) * ws[3] + kw);
                                    tap.at(xi, wi, yi);
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** {@code dx[xi] += dy[yi] * w[wi]} over every tap; {@code dx} is the zeroed result. */
    static NdArray conv2dBackpropInput(Conv2dBackpropInput op, NdArray dy, NdArray w, NdArray dx) {
        forEachTap(op.forward(), dx.shape(), w.shape(), dy.shape(), (xi, wi, yi) -> {
            dx.set(xi, dx.get(xi) + dy.get(yi) * w.get(wi));
        });
        return dx;
    }

    /** {@code dw[wi] += x[xi] * dy[yi]} over every tap; {@code dw} is the zeroed result. */
    static NdArray conv2dBackpropFilter(Conv2dBackpropFilter op, NdArray x, NdArray dy, NdArray dw) {
        forEachTap(op.forward(), x.shape(), dw.shape(), dy.shape(), (xi, wi, yi) -> {
            dw.set(wi, dw.get(wi) + x.get(xi) * dy.get(yi));
        });
        return dw;
    }

    /**
     * The windows of {@link Contractions#pool2d}: for each output position, the flat input positions
     * of its window that lie inside the input, in row-major window order. Max: the output gradient
     * goes to the first position holding the maximum (a NaN counts as the maximum; an all -inf window
     * gives it to its first position). Average: every inside position gets {@code dy / (kh*kw)}.
     */
    static NdArray pool2dBackprop(Pool2dBackprop p, NdArray x, NdArray dy, NdArray dx) {
        long[] xs = x.shape();
        long[] os = dy.shape();
        int height = (int) xs[2];
        int width = (int) xs[3];
        int kh = p.kernel().get(0).intValue();
        int kw = p.kernel().get(1).intValue();
        int sh = p.stride().get(0).intValue();
        int sw = p.stride().get(1).intValue();
        int top = p.padding().get(0).intValue();
        int left = p.padding().get(2).intValue();
        for (int nc = 0; nc < os[0] * os[1]; nc++) {
            for (int oh = 0; oh < os[2]; oh++) {
                for (int ow = 0; ow < os[3]; ow++) {
                    double g = dy.get((int) ((nc * os[2] + oh) * os[3] + ow));
                    int best = -1;
                    for (int i = 0; i < kh; i++) {
                        for (int j = 0; j < kw; j++) {
                            int ih = oh * sh - top + i;
                            int iw = ow * sw - left + j;
                            if (ih < 0 || ih >= height || iw < 0 || iw >= width) {
                                continue; // padding receives no gradient
                            }
                            int xi = (nc * height + ih) * width + iw;
                            switch (p.kind()) {
                                case MAX -> {
                                    if (best < 0 || isLarger(x.get(xi), x.get(best))) {
                                        best = xi;
                                    }
                                }
                                case AVG -> dx.set(xi, dx.get(xi) + g / (kh * kw));
                            }
                        }
                    }
                    if (best >= 0) {
                        dx.set(best, dx.get(best) + g);
                    }
                }
            }
        }
        return dx;
    }

    /** Strictly larger, so the first maximum wins; NaN beats any number (the forward max propagates it). */
    private static boolean isLarger(double v, double best) {
        return v > best || (Double.isNaN(v) && !Double.isNaN(best));
    }
}
