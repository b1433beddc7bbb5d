package dev.javelin.models;

import dev.javelin.dsl.train.ModelProvider;
import dev.javelin.dsl.train.TrainingModel;
import java.util.List;

/** The reference models, by name; registered as a {@link ModelProvider} service for the command line. */
public final class TestModels implements ModelProvider {
    @Override
    public List<String> names() {
        return List.of("two-layer-net", "mnist-mlp", "lenet5", "transformer-block");
    }

    @Override
    public TrainingModel create(String name) {
        return switch (name) {
            case "two-layer-net" -> new TwoLayerNet();
            case "mnist-mlp" -> new MnistMlp();
            case "lenet5" -> new LeNet5();
            case "transformer-block" -> new TransformerBlock();
            default ->
                throw new IllegalArgumentException(
                        "unknown model '" + name + "' (known: " + String.join(", ", names()) + ")");
        };
    }
}
