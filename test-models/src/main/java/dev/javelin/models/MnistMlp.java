package dev.javelin.models;

import dev.javelin.dsl.Loss;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.nn.Linear;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.Map;

/** A 784-512-256-10 perceptron with ReLU, trained with softmax cross-entropy on MNIST digits. */
public final class MnistMlp implements TrainingModel {

    /** The network itself: parameters fc1.weight, fc1.bias, ..., fc3.bias. */
    public static final class Network extends Module {
        final Linear fc1 = new Linear(784, 512);
        final Linear fc2 = new Linear(512, 256);
        final Linear fc3 = new Linear(256, 10);

        @Override
        public Tensor forward(Tensor x) {
            return fc3.forward(fc2.forward(fc1.forward(x).relu()).relu());
        }
    }

    private final Network network = new Network();

    @Override
    public String name() {
        return "mnist-mlp";
    }

    @Override
    public String description() {
        return "a 784 -> 512 -> 256 -> 10 multilayer perceptron for MNIST digits, cross-entropy";
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
        Tensor logits = network.forward(x);
        return new Traced(logits, Loss.crossEntropy(logits, labels));
    }

    @Override
    public Map<String, NdArray> syntheticBatch(int batch, long seed) {
        return Map.of("image", Synthetic.uniform(seed, 1, batch, 784), "label", Synthetic.labels(seed, 2, 10, batch));
    }
}
