package dev.javelin.dsl.nn;

import dev.javelin.dsl.F;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Tensor;

/** Max and average pooling layers over square windows. */
public final class Pooling {
    private Pooling() {}

    /** Max pooling; stride defaults to the kernel size, as in PyTorch. */
    public static final class MaxPool2d extends Module {
        private final long[] kernel;
        private final long[] stride;
        private final long[] padding;

        /**
         * Pooling over {@code kernel x kernel} windows, stride {@code kernel}, no padding.
         *
         * @param kernel the window's height and width
         */
        public MaxPool2d(long kernel) {
            this(kernel, kernel, 0);
        }

        /**
         * Pooling with its own stride and padding.
         *
         * @param kernel the window's height and width
         * @param stride the step along H and W
         * @param padding the padding on each side of H and W
         */
        public MaxPool2d(long kernel, long stride, long padding) {
            this.kernel = new long[] {kernel, kernel};
            this.stride = new long[] {stride, stride};
            this.padding = new long[] {padding, padding, padding, padding};
        }

        @Override
        public Tensor forward(Tensor x) {
            return F.maxPool2d(x, kernel, stride, padding);
        }
    }

    /** Average pooling (padding counted as zeros); stride defaults to the kernel size. */
    public static final class AvgPool2d extends Module {
        private final long[] kernel;
        private final long[] stride;
        private final long[] padding;

        /**
         * Pooling over {@code kernel x kernel} windows, stride {@code kernel}, no padding.
         *
         * @param kernel the window's height and width
         */
        public AvgPool2d(long kernel) {
            this(kernel, kernel, 0);
        }

        /**
         * Pooling with its own stride and padding.
         *
         * @param kernel the window's height and width
         * @param stride the step along H and W
         * @param padding the zeros added on each side of H and W
         */
        public AvgPool2d(long kernel, long stride, long padding) {
            this.kernel = new long[] {kernel, kernel};
            this.stride = new long[] {stride, stride};
            this.padding = new long[] {padding, padding, padding, padding};
        }

        @Override
        public Tensor forward(Tensor x) {
            return F.avgPool2d(x, kernel, stride, padding);
        }
    }
}
