package dev.javelin.models;

import dev.javelin.dsl.Loss;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.nn.Conv2d;
import dev.javelin.dsl.nn.Linear;
import dev.javelin.dsl.nn.Pooling.MaxPool2d;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.Map;

/**
 * LeNet-5 on 28x28 digits: conv(6, 5x5, padding 2)-relu-maxpool-conv(16, 5x5)-relu-maxpool-fc120-
 * fc84-fc10, softmax cross-entropy.
 */
public final class LeNet5 implements TrainingModel {

    public static final class Network extends Module {
        final Conv2d conv1 = new Conv2d(1, 6, 5, 1, 2);
        final Conv2d conv2 = new Conv2d(6, 16, 5);
        final MaxPool2d pool = new MaxPool2d(2);
        final Linear fc1 = new Linear(16 * 5 * 5, 120);
        final Linear fc2 = new Linear(120, 84);
        final Linear fc3 = new Linear(84, 10);

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = pool.forward(conv1.forward(x).relu());
            h = pool.forward(conv2.forward(h).relu());
            return fc3.forward(fc2.forward(fc1.forward(h.flatten(1)).relu()).relu());
        }
    }

    private final Network network = new Network();

    @Override
    public String name() {
        return "lenet5";
    }

    @Override
    public String description() {
        return "LeNet-5: two convolutions with pooling and three dense layers, for MNIST digits";
    }

    @Override
    public Defaults defaults() {
        return new Defaults("adam", 1e-3, 128);
    }

    @Override
    public Traced trace(Net net) {
        net.module(network);
        Tensor x = net.input("image", DType.F32, "batch", 784);
        Tensor labels = net.input("label", DType.I64, "batch");
        Tensor logits = network.forward(x.reshape("batch", 1, 28, 28));
        return new Traced(logits, Loss.crossEntropy(logits, labels));
    }

    @Override
    public Map<String, NdArray> syntheticBatch(int batch, long seed) {
        return Map.of("image", Synthetic.uniform(seed, 1, batch, 784), "label", Synthetic.labels(seed, 2, 10, batch));
    }
}
