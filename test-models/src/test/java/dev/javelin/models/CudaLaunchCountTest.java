package dev.javelin.models;

import static dev.javelin.compiler.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.Cli.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * mnist-mlp's CUDA training step at batch 32 launches at most 16 kernels (one per plan kernel, where
 * no device-wide dependency needs more), counted from the manifest {@code javelin compile --target
 * cuda --emit} writes for the model itself.
 */
class CudaLaunchCountTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"sgd, 16", "adam, 16"})
    void mnistMlpTrainingStepStaysWithinItsLaunchBudget(String optimizer, int budget) throws IOException {
        Path out = tmp.resolve("emit");
        Run r = run(
                "compile",
                "--model",
                "mnist-mlp",
                "--train",
                "--optimizer",
                optimizer,
                "--batch",
                "32",
                "--target",
                "cuda",
                "--emit",
                out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        String manifest = Files.readString(out.resolve("mnist_mlp_train_step.launches.txt"));
        List<String> launches =
                manifest.lines().filter(l -> l.startsWith("launch ")).toList();
        Map<String, Integer> perKernel = new LinkedHashMap<>();
        for (String l : launches) {
            perKernel.merge(l.split(" ")[2], 1, Integer::sum);
        }
        assertTrue(
                launches.size() <= budget,
                optimizer + ": " + launches.size() + " launches, expected at most " + budget + "; per plan kernel "
                        + perKernel);
        assertTrue(
                r.out().contains(launches.size() + " launches; manifest mnist_mlp_train_step.launches.txt"),
                "the command reports the manifest's count: " + r.out());
    }
}
