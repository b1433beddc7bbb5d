package dev.javelin.llm.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.llm.HfFixtures;
import dev.javelin.llm.ModelFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny Llama written by Hugging Face {@code transformers} ({@code save_pretrained} of a random
 * {@code LlamaForCausalLM}: 2 layers, width 32, 4 query heads sharing 2 key/value heads, SwiGLU of
 * 80, rotary embeddings, RMSNorm, an untied output layer; {@code llama-tiny.py} beside the fixture
 * writes it): logits on the interpreter and the CPU backend, and greedy decoding, match {@code
 * transformers}.
 */
public class LlamaTest {
    public static Path fixture() {
        return HfFixtures.folder(LlamaTest.class, "tiny");
    }

    @Test
    void logitsMatchTransformersOnTheInterpreterAndTheCpu() throws IOException {
        LlamaCheckpoint ck = LlamaCheckpoint.load(fixture().resolve("model"));
        assertEquals(
                new LlamaConfig(320, 64, 32, 80, 2, 4, 2, 8, 1e-6, 10000, false),
                ck.model().config());
        HfFixtures.logitsMatch(fixture(), ck.model().logitsNet(10), ck.weights());
    }

    @Test
    void greedyDecodingChoosesTransformersTokens() throws IOException {
        LlamaCheckpoint ck = LlamaCheckpoint.load(fixture().resolve("model"));
        HfFixtures.greedyMatches(fixture(), 4, 320, ck.model()::logitsNet, ck.weights());
    }

    @Test
    void whatIsNotSupportedIsRefusedByName(@TempDir Path dir) throws IOException {
        String config = Files.readString(fixture().resolve("model/config.json"));
        Path file = dir.resolve("config.json");
        Files.writeString(file, config.replace("\"rope_type\": \"default\"", "\"rope_type\": \"llama3\""));
        var e = assertThrows(ModelFileException.class, () -> LlamaCheckpoint.load(dir));
        assertEquals(file + ": rotary scaling 'llama3' is not supported yet (only the default)", e.getMessage());
        Files.writeString(file, config.replace("\"attention_bias\": false", "\"attention_bias\": true"));
        e = assertThrows(ModelFileException.class, () -> LlamaCheckpoint.load(dir));
        assertEquals(
                file + ": biases on the projections (attention_bias, mlp_bias) are not supported yet", e.getMessage());
        Files.writeString(file, config.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"));
        e = assertThrows(ModelFileException.class, () -> LlamaCheckpoint.load(dir));
        assertEquals(
                file + ": Llama's query heads must be a multiple of its key/value heads, found 4 and 3",
                e.getMessage());
        Files.writeString(file, config.replace("\"model_type\": \"llama\"", "\"model_type\": \"gpt2\""));
        e = assertThrows(ModelFileException.class, () -> LlamaCheckpoint.load(dir));
        assertEquals(file + ": model_type is 'gpt2', not 'llama'", e.getMessage());
    }

    /** Tied embeddings with the fixture's untied weights: the stored output layer is extra. */
    @Test
    void tiedEmbeddingsNeedTheTableAsOutputLayer(@TempDir Path dir) throws IOException {
        Files.copy(fixture().resolve("model/model.safetensors"), dir.resolve("model.safetensors"));
        Files.writeString(
                dir.resolve("config.json"),
                Files.readString(fixture().resolve("model/config.json"))
                        .replace("\"tie_word_embeddings\": false", "\"tie_word_embeddings\": true"));
        var e = assertThrows(ModelFileException.class, () -> LlamaCheckpoint.load(dir));
        assertEquals(
                dir + ": tie_word_embeddings is true but lm_head.weight differs from model.embed_tokens.weight",
                e.getMessage());
    }

    /** Saved in Hugging Face's layout and loaded back: the same configuration and weights, bit for bit. */
    @Test
    void savedFoldersLoadBackTheSame(@TempDir Path dir) throws IOException {
        LlamaCheckpoint ck = LlamaCheckpoint.load(fixture().resolve("model"));
        ck.save(dir.resolve("saved"));
        LlamaCheckpoint back = LlamaCheckpoint.load(dir.resolve("saved"));
        assertEquals(ck.model().config(), back.model().config());
        assertEquals(ck.weights(), back.weights());
        assertEquals(
                "pt",
                dev.javelin.dsl.checkpoint.Safetensors.metadata(dir.resolve("saved/model.safetensors"))
                        .get("format"));
    }

    /** A layer and its attention used on their own (their own rotary tables and causal mask) are causal. */
    @Test
    void aLayerAloneIsCausal() {
        Llama m = new Llama(new LlamaConfig(50, 16, 32, 48, 1, 4, 2, 8, 1e-6, 10000, false));
        HfFixtures.assertCausal(m.model.layers.get(0), 32);
        HfFixtures.assertCausal(m.model.layers.get(0).self_attn, 32);
    }
}
