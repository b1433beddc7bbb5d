package demo;

import dev.javelin.compiler.CompileOptions;
import dev.javelin.compiler.Training;
import dev.javelin.dsl.data.DataLoader;
import dev.javelin.dsl.data.Dataset;
import dev.javelin.dsl.data.MnistDataset;
import dev.javelin.dsl.optim.LrSchedule;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.models.MnistMlp;
import java.nio.file.Path;

/** Trains mnist-mlp on MNIST: java demo.Train MNIST_DIR CHECKPOINT.safetensors [EPOCHS]. */
public final class Train {
    public static void main(String[] args) {
        Dataset.Split mnist = MnistDataset.load(Path.of(args[0]));
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        long steps = epochs * (mnist.train().size() / 64L);
        try (Training training = Training.of(
                        new MnistMlp(),
                        Optimizer.named("adam"),
                        LrSchedule.cosine(2e-3, steps / 20, steps, 1e-5),
                        CompileOptions.cpu());
                DataLoader train = DataLoader.over(mnist.train()).batchSize(64).shuffle(7).dropLast(true).build();
                DataLoader test = DataLoader.over(mnist.test()).batchSize(500).build()) {
            training.onEpoch((session, epoch, metrics) -> System.out.println("epoch " + (epoch + 1) + ": " + metrics));
            double accuracy = training.fit(train, epochs, test).getLast().accuracy();
            training.save(Path.of(args[1]));
            System.out.printf("trained %d steps; test accuracy %.4f; checkpoint %s%n", training.steps(), accuracy, args[1]);
        }
    }
}
