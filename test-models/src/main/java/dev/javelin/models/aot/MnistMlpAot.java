package dev.javelin.models.aot;

import dev.javelin.annotations.Input;
import dev.javelin.annotations.Model;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.nn.Linear;

/**
 * mnist-mlp's inference, compiled ahead of time by this module's own build: javac runs Javelin's
 * {@code @Model} processor, which generates {@code MnistMlpAotKernels} (the Vector API kernels) and
 * the facade {@code MnistMlpAotModel} with {@code forward(image)} and {@code trainStep(image, label,
 * lr)} (softmax cross-entropy, SGD). Its parameter paths are those of {@link
 * dev.javelin.models.MnistMlp}, so a checkpoint of the trained model loads as it is.
 */
@Model(
        name = "mnist_mlp_aot",
        inputs =
                @Input(
                        name = "image",
                        shape = {"batch", "784"}),
        labels =
                @Input(
                        name = "label",
                        dtype = "i64",
                        shape = {"batch"}),
        optimizer = "sgd",
        batch = 1)
public final class MnistMlpAot {
    private MnistMlpAot() {}

    public static Tensor forward(Net nn, Tensor image) {
        Tensor h = nn.module("fc1", new Linear(784, 512)).forward(image).relu();
        h = nn.module("fc2", new Linear(512, 256)).forward(h).relu();
        return nn.module("fc3", new Linear(256, 10)).forward(h);
    }
}
