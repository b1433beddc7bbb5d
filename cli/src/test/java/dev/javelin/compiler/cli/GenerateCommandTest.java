package dev.javelin.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.Cli;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.checkpoint.Checkpoint;
import dev.javelin.llm.gpt2.Gpt2;
import dev.javelin.llm.gpt2.Gpt2Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code javelin generate} on a GPT-2 folder written here: a random 1-layer model saved under
 * Hugging Face's names, with a vocabulary of the 94 printable ASCII characters and GPT-2's space
 * ({@code Ġ}). (The numbers against {@code transformers} are the llm module's tests.)
 */
class GenerateCommandTest {
    /** A GPT-2 folder: config.json, model.safetensors, vocab.json and merges.txt. */
    static Path folder(Path dir) throws IOException {
        Gpt2Config c = new Gpt2Config(95, 32, 16, 1, 2, 64, 1e-5, "gelu_new");
        Gpt2 model = new Gpt2(c);
        Net net = model.logitsNet(1);
        Checkpoint.save(dir.resolve("model.safetensors"), net.initialValues(3));
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "gpt2", "vocab_size": 95, "n_positions": 32, "n_embd": 16, "n_layer": 1,
                 "n_head": 2, "n_inner": null, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new"}
                """);
        StringJoiner vocab = new StringJoiner(", ", "{", "}");
        for (char ch = '!'; ch <= '~'; ch++) {
            String token = ch == '"' ? "\\\"" : ch == '\\' ? "\\\\" : String.valueOf(ch);
            vocab.add("\"" + token + "\": " + (ch - '!'));
        }
        vocab.add("\"\u0120\": 94");
        Files.writeString(dir.resolve("vocab.json"), vocab.toString());
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        return dir;
    }

    @Test
    void greedyFromTextAndFromIdsAgree(@TempDir Path dir) throws IOException {
        Path model = folder(Files.createDirectory(dir.resolve("model")));
        Path idsOut = dir.resolve("ids.txt");
        Cli.Run text = Cli.run(
                "generate",
                "--hf",
                model.toString(),
                "--prompt",
                "Hi there",
                "--max-new-tokens",
                "6",
                "--ids-out",
                idsOut.toString());
        assertEquals(0, text.code(), text.err());
        // H i Ġ t h e r e: the vocabulary's ids, then six new ones
        String[] ids = Files.readString(idsOut).strip().split(" ");
        assertEquals(14, ids.length);
        assertEquals("39 72 94 83 71 68 81 68", String.join(" ", java.util.Arrays.copyOf(ids, 8)));
        assertTrue(
                text.err()
                        .matches("(?s)prefill: 8 tokens in [0-9.]+ ms \\([0-9]+ tokens/s\\); decode: 5 tokens in"
                                + " [0-9.]+ ms \\([0-9]+ tokens/s\\)\n"),
                text.err());
        Cli.Run byIds = Cli.run(
                "generate",
                "--hf",
                model.toString(),
                "--prompt-ids",
                "39,72,94,83,71,68,81,68",
                "--max-new-tokens",
                "6");
        assertEquals(0, byIds.code(), byIds.err());
        assertEquals(
                String.join(" ", java.util.Arrays.copyOfRange(ids, 8, 14)),
                byIds.out().strip());
        String[] sampled = {
            "generate",
            "--hf",
            model.toString(),
            "--prompt-ids",
            "1,2",
            "--max-new-tokens",
            "8",
            "--temperature",
            "1.5",
            "--top-k",
            "20",
            "--top-p",
            "0.9",
            "--seed",
            "5"
        };
        assertEquals(Cli.run(sampled).out(), Cli.run(sampled).out()); // the same draws from the same seed
    }

    @Test
    void badRequestsAreOneLineErrors(@TempDir Path dir) throws IOException {
        Path model = folder(Files.createDirectory(dir.resolve("model")));
        String m = model.toString();
        assertEquals(
                "javelin: give the prompt with one of --prompt TEXT or --prompt-ids IDS\n",
                Cli.run("generate", "--hf", m, "--max-new-tokens", "3").err());
        assertEquals(
                "javelin: the prompt's 2 tokens and 31 new ones exceed the model's 32 positions\n",
                Cli.run("generate", "--hf", m, "--prompt-ids", "1,2", "--max-new-tokens", "31")
                        .err());
        assertEquals(
                "javelin: prompt token 95 at index 1 is not in the vocabulary (ids 0 to 94)\n",
                Cli.run("generate", "--hf", m, "--prompt-ids", "1,95", "--max-new-tokens", "3")
                        .err());
        assertEquals(
                "javelin: top-p must be in (0, 1], found 1.5\n",
                Cli.run("generate", "--hf", m, "--prompt-ids", "1", "--max-new-tokens", "3", "--top-p", "1.5")
                        .err());
        Cli.Run none = Cli.run(
                "generate", "--hf", dir.resolve("nothing").toString(), "--prompt-ids", "1", "--max-new-tokens", "3");
        assertEquals(1, none.code());
        assertEquals(
                "javelin: no config.json in " + dir.resolve("nothing")
                        + ": expected a Hugging Face model folder (save_pretrained)\n",
                none.err());
    }

    @Test
    void aNamedShapeRunsWithSeededRandomWeights() {
        Cli.Run r = Cli.run("generate", "--config", "llama-tiny", "--prompt-ids", "1,2,3", "--max-new-tokens", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, r.out().strip().split(" ").length, r.out());
        assertTrue(r.err().startsWith("drawing random weights for llama-tiny (seed 0)...\nprefill: 3 tokens"), r.err());
        assertEquals(
                "javelin: no model shape named 'gpt3' (known: gpt2-tiny, gpt2, llama-tiny, llama-3.2-1b)\n",
                Cli.run("generate", "--config", "gpt3", "--prompt-ids", "1", "--max-new-tokens", "1")
                        .err());
        assertEquals(
                "javelin: give the model with one of --hf DIR or --config NAME\n",
                Cli.run("generate", "--prompt-ids", "1", "--max-new-tokens", "1")
                        .err());
        assertEquals(
                "javelin: --prompt TEXT needs a tokenizer, and a named shape has none: give --prompt-ids\n",
                Cli.run("generate", "--config", "gpt2-tiny", "--prompt", "hi", "--max-new-tokens", "1")
                        .err());
    }
}
