package dev.javelin.dsl.nn;

import dev.javelin.dsl.F;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Tensor;

/** Parameter-free layers: activations, softmax, flatten. */
public final class Activations {
    private Activations() {}

    /** {@code max(x, 0)} elementwise. */
    public static final class ReLU extends Module {
        /** A ReLU layer; it has no parameters. */
        public ReLU() {}

        @Override
        public Tensor forward(Tensor x) {
            return F.relu(x);
        }
    }

    /** GELU, exact (erf) form, elementwise (see {@link F#gelu}). */
    public static final class GELU extends Module {
        /** A GELU layer; it has no parameters. */
        public GELU() {}

        @Override
        public Tensor forward(Tensor x) {
            return F.gelu(x);
        }
    }

    /** The logistic sigmoid elementwise. */
    public static final class Sigmoid extends Module {
        /** A Sigmoid layer; it has no parameters. */
        public Sigmoid() {}

        @Override
        public Tensor forward(Tensor x) {
            return x.sigmoid();
        }
    }

    /** The hyperbolic tangent elementwise. */
    public static final class Tanh extends Module {
        /** A Tanh layer; it has no parameters. */
        public Tanh() {}

        @Override
        public Tensor forward(Tensor x) {
            return x.tanh();
        }
    }

    /**
     * Softmax along one axis (see {@link F#softmax}).
     */
    public static final class Softmax extends Module {
        private final int axis;

        /**
         * A softmax layer.
         *
         * @param axis the axis to normalize over; negative counts from the end (-1 for the classes of {@code [batch, classes]})
         */
        public Softmax(int axis) {
            this.axis = axis;
        }

        @Override
        public Tensor forward(Tensor x) {
            return F.softmax(x, axis);
        }
    }

    /**
     * Log-softmax along one axis (see {@link F#logSoftmax}).
     */
    public static final class LogSoftmax extends Module {
        private final int axis;

        /**
         * A log-softmax layer.
         *
         * @param axis the axis to normalize over; negative counts from the end
         */
        public LogSoftmax(int axis) {
            this.axis = axis;
        }

        @Override
        public Tensor forward(Tensor x) {
            return F.logSoftmax(x, axis);
        }
    }

    /** Flattens every axis from {@code from} (default 1, keeping the batch axis) into one. */
    public static final class Flatten extends Module {
        private final int from;

        /**
         * Flattens every axis after the batch axis.
         */
        public Flatten() {
            this(1);
        }

        /**
         * Flattens every axis from {@code from} on.
         *
         * @param from the first axis to merge; negative counts from the end
         */
        public Flatten(int from) {
            this.from = from;
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.flatten(from);
        }
    }
}
