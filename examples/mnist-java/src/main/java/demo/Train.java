package demo;

import dev.javelin.compiler.CompileOptions;
import dev.javelin.compiler.Training;
import dev.javelin.dsl.data.DataLoader;
import dev.javelin.dsl.data.Dataset;
import dev.javelin.dsl.data.MnistDataset;
import dev.javelin.dsl.optim.LrSchedule;
import dev.javelin.dsl.optim.Optimizer;
import java.nio.file.Path;

/**
 * Trains {@link Mlp} on MNIST's 8,000 training digits and saves a checkpoint.
 *
 * <p>Arguments: the MNIST cache folder ({@code scripts/fetch-mnist} fills it), the checkpoint to
 * write ({@code .safetensors}) and the number of epochs (default 3).
 */
public final class Train {
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: demo.Train MNIST_DIR CHECKPOINT.safetensors [EPOCHS]");
            System.exit(2);
        }
        Path mnistDir = Path.of(args[0]);
        Path checkpoint = Path.of(args[1]);
        int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Dataset.Split mnist = MnistDataset.load(mnistDir);
        int batch = 64;
        long steps = (long) epochs * (mnist.train().size() / batch);
        long start = System.nanoTime();
        try (Training training = Training.of(
                        new Mlp(),
                        Optimizer.named("adam"),
                        LrSchedule.cosine(2e-3, steps / 20, steps, 1e-4),
                        CompileOptions.cpu());
                DataLoader train = DataLoader.over(mnist.train())
                        .batchSize(batch)
                        .shuffle(7)
                        .dropLast(true)
                        .build();
                DataLoader test = DataLoader.over(mnist.test()).batchSize(500).build()) {
            training.onStep((session, step, loss, lr) -> {
                if (step % 100 == 0) {
                    System.out.printf("step %4d  loss %.4f  lr %.2e%n", step, loss, lr);
                }
            });
            training.onEpoch((session, epoch, metrics) -> System.out.println("epoch " + (epoch + 1) + ": test " + metrics));
            var history = training.fit(train, epochs, test);
            training.save(checkpoint);
            double accuracy = history.getLast().accuracy();
            System.out.printf(
                    "trained %d steps in %.1f s; test accuracy %.4f; checkpoint %s%n",
                    training.steps(), (System.nanoTime() - start) / 1e9, accuracy, checkpoint);
        }
    }
}
