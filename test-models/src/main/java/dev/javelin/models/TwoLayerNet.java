package dev.javelin.models;

import dev.javelin.dsl.Loss;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.Map;

/**
 * The classic lecture network: {@code relu(x w1) w2} with no biases, loss the sum of squared
 * errors against {@code y}; x {@code [batch, 1000]}, y {@code [batch, 10]}, w1 {@code [1000, 100]},
 * w2 {@code [100, 10]}, weights drawn N(0, 1) as in the lecture. Trained with plain SGD at lr 1e-6.
 */
public final class TwoLayerNet implements TrainingModel {
    public static final int IN = 1000;
    public static final int HIDDEN = 100;
    public static final int OUT = 10;

    private final Param w1 = Param.of(Initializer.normal(0, 1), IN, HIDDEN);
    private final Param w2 = Param.of(Initializer.normal(0, 1), HIDDEN, OUT);

    @Override
    public String name() {
        return "two-layer-net";
    }

    @Override
    public String description() {
        return "the lecture network relu(x w1) w2, squared error, 1000 -> 100 -> 10, no biases";
    }

    @Override
    public Defaults defaults() {
        return new Defaults("sgd", 1e-6, 64);
    }

    @Override
    public Traced trace(Net net) {
        Tensor x = net.input("x", DType.F32, "batch", IN);
        Tensor y = net.input("y", DType.F32, "batch", OUT);
        Tensor pred = x.matmul(net.parameter("w1", w1)).relu().matmul(net.parameter("w2", w2));
        return new Traced(pred, Loss.squaredError(pred, y, Loss.Reduction.SUM));
    }

    @Override
    public Map<String, NdArray> syntheticBatch(int batch, long seed) {
        return Map.of("x", Synthetic.normal(seed, 1, batch, IN), "y", Synthetic.normal(seed, 2, batch, OUT));
    }
}
