package demo;

import dev.javelin.dsl.Loss;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.nn.Linear;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.Map;

/** A 784-256-10 perceptron for MNIST digits, trained with softmax cross-entropy. */
public final class Mlp implements TrainingModel {
    /** The network: parameters fc1.weight, fc1.bias, fc2.weight, fc2.bias. */
    public static final class Network extends Module {
        final Linear fc1 = new Linear(784, 256);
        final Linear fc2 = new Linear(256, 10);

        @Override
        public Tensor forward(Tensor image) {
            return fc2.forward(fc1.forward(image).relu());
        }
    }

    private final Network network = new Network();

    /** The inference graph: {@code image: f32[batch, 784]} in, {@code logits: f32[batch, 10]} out. */
    public static Net inference() {
        Net net = new Net("mnist_mlp");
        Network n = net.module(new Network());
        net.output("logits", n.forward(net.input("image", DType.F32, "batch", 784)));
        return net;
    }

    @Override
    public String name() {
        return "mnist-mlp";
    }

    @Override
    public Traced trace(Net net) {
        net.module(network);
        Tensor image = net.input("image", DType.F32, "batch", 784);
        Tensor label = net.input("label", DType.I64, "batch");
        Tensor logits = network.forward(image);
        return new Traced(logits, Loss.crossEntropy(logits, label));
    }

    @Override
    public Map<String, NdArray> syntheticBatch(int batch, long seed) {
        throw new UnsupportedOperationException("this example trains on MNIST only");
    }
}
