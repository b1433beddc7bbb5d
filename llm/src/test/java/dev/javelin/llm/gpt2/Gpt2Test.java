package dev.javelin.llm.gpt2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.llm.HfFixtures;
import dev.javelin.llm.ModelFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny GPT-2 written by Hugging Face {@code transformers} ({@code save_pretrained} of a random
 * {@code GPT2LMHeadModel}: 2 layers, width 32, 4 heads, 384 tokens, 64 positions; {@code
 * gpt2-tiny.py} beside the fixture writes it) loaded from its folder: logits on the float64
 * interpreter and on the compiled CPU backend match {@code transformers}' within 1e-4 of their
 * largest magnitude, and greedy decoding continues a prompt with the tokens {@code generate} chose.
 */
public class Gpt2Test {
    public static Path fixture() {
        return HfFixtures.folder(Gpt2Test.class, "tiny");
    }

    @Test
    void logitsMatchTransformersOnTheInterpreterAndTheCpu() throws IOException {
        Gpt2Checkpoint ck = Gpt2Checkpoint.load(fixture().resolve("model"));
        assertEquals(
                new Gpt2Config(384, 64, 32, 2, 4, 128, 1e-5, "gelu_new"),
                ck.model().config());
        HfFixtures.logitsMatch(fixture(), ck.model().logitsNet(12), ck.weights());
    }

    @Test
    void greedyDecodingChoosesTransformersTokens() throws IOException {
        Gpt2Checkpoint ck = Gpt2Checkpoint.load(fixture().resolve("model"));
        HfFixtures.greedyMatches(fixture(), 5, 384, ck.model()::logitsNet, ck.weights());
    }

    @Test
    void aFolderThatIsNotAModelIsNamed(@TempDir Path dir) throws IOException {
        var e = assertThrows(ModelFileException.class, () -> Gpt2Checkpoint.load(dir));
        assertEquals(
                "no config.json in " + dir + ": expected a Hugging Face model folder (save_pretrained)",
                e.getMessage());
        Files.copy(fixture().resolve("model/config.json"), dir.resolve("config.json"));
        e = assertThrows(ModelFileException.class, () -> Gpt2Checkpoint.load(dir));
        assertEquals("no model.safetensors or model.safetensors.index.json in " + dir, e.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\"}");
        e = assertThrows(ModelFileException.class, () -> Gpt2Checkpoint.load(dir));
        assertEquals(dir.resolve("config.json") + ": model_type is 'llama', not 'gpt2'", e.getMessage());
        Files.writeString(
                dir.resolve("config.json"),
                "{\"n_embd\": 30, \"n_head\": 4, \"vocab_size\": 10," + " \"n_positions\": 8, \"n_layer\": 1}");
        e = assertThrows(ModelFileException.class, () -> Gpt2Checkpoint.load(dir));
        assertEquals(
                dir.resolve("config.json") + ": GPT-2's width must divide into its heads, found dim 30 and 4"
                        + " heads",
                e.getMessage());
    }

    /** The fixture's weights under a configuration one layer short: the extra tensors are listed. */
    @Test
    void weightsThatDoNotFitTheConfigurationAreListed(@TempDir Path dir) throws IOException {
        Files.copy(fixture().resolve("model/model.safetensors"), dir.resolve("model.safetensors"));
        Files.writeString(
                dir.resolve("config.json"),
                Files.readString(fixture().resolve("model/config.json")).replace("\"n_layer\": 2", "\"n_layer\": 1"));
        var e = assertThrows(ModelFileException.class, () -> Gpt2Checkpoint.load(dir));
        assertTrue(
                e.getMessage()
                        .startsWith(dir + ": the weights do not fit config.json's GPT-2: checkpoint does"
                                + " not match the model:\n  extra: transformer.h.1.attn.c_attn.bias f32[96]"),
                e.getMessage());
        assertEquals(
                12,
                e.getMessage()
                        .lines()
                        .filter(l -> l.startsWith("  extra: transformer.h.1."))
                        .count());
    }

    /** Saved in Hugging Face's layout and loaded back: the same configuration and weights, bit for bit. */
    @Test
    void savedFoldersLoadBackTheSame(@TempDir Path dir) throws IOException {
        Gpt2Checkpoint ck = Gpt2Checkpoint.load(fixture().resolve("model"));
        ck.save(dir.resolve("saved"));
        Gpt2Checkpoint back = Gpt2Checkpoint.load(dir.resolve("saved"));
        assertEquals(ck.model().config(), back.model().config());
        assertEquals(ck.weights(), back.weights());
        assertEquals(
                "pt",
                dev.javelin.dsl.checkpoint.Safetensors.metadata(dir.resolve("saved/model.safetensors"))
                        .get("format"));
    }

    /** A block and its attention used on their own (their own causal mask) are causal. */
    @Test
    void aBlockAloneIsCausal() {
        Gpt2 m = new Gpt2(new Gpt2Config(50, 16, 32, 1, 4, 64, 1e-5, "gelu_new"));
        HfFixtures.assertCausal(m.transformer.h.get(0), 32);
        HfFixtures.assertCausal(m.transformer.h.get(0).attn, 32);
    }
}
