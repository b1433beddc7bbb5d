package dev.javelin.dsl.nn;

import dev.javelin.dsl.F;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Tensor;

/** Parameter-free layers: activations, softmax, flatten. */
public final class Activations {
    private Activations() {}

    public static final class ReLU extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return F.relu(x);
        }
    }

    public static final class GELU extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return F.gelu(x);
        }
    }

    public static final class Sigmoid extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return x.sigmoid();
        }
    }

    public static final class Tanh extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return x.tanh();
        }
    }

    public static final class Softmax extends Module {
        private final int axis;

        public Softmax(int axis) {
            this.axis = axis;
        }

        @Override
        public Tensor forward(Tensor x) {
            return F.softmax(x, axis);
        }
    }

    public static final class LogSoftmax extends Module {
        private final int axis;

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

        public Flatten() {
            this(1);
        }

        public Flatten(int from) {
            this.from = from;
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.flatten(from);
        }
    }
}
