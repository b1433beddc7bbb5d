package dev.javelin.llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.dsl.json.Json;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Llama-3-style {@code tokenizer.json} (a byte-level BPE of 3,000 tokens that Hugging Face {@code
 * tokenizers} trained on Brown texts with Llama 3's pre-tokenizer regex, {@code ignore_merges} and
 * two special tokens; {@code llama3/llama3-tokenizer.py} writes it) against the ids {@code
 * tokenizers} gives: the 227 texts of the GPT-2 fixture and three with special tokens, digits and
 * contractions in capitals; each decodes back.
 */
class TokenizerJsonTest {
    static Path folder() throws URISyntaxException {
        return Path.of(TokenizerJsonTest.class.getResource("llama3").toURI());
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyCaseGivesTheTokenizersIds() throws Exception {
        BpeTokenizer t = BpeTokenizer.fromTokenizerJson(folder().resolve("tokenizer.json"));
        List<Map<String, Object>> cases;
        try (InputStream in = Files.newInputStream(folder().resolve("llama3-tokenizer-cases.json"))) {
            cases = (List<Map<String, Object>>)
                    ((Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "cases"))
                            .get("cases");
        }
        assertEquals(230, cases.size());
        assertEquals(12953, BpeTokenizerTest.assertCases(t, cases));
        assertEquals(3000, t.size());
        assertEquals(0, t.id("<|begin_of_text|>").orElseThrow());
        assertArrayEquals(new int[] {0}, t.encode("<|begin_of_text|>"));
    }

    @Test
    void whatIsNotByteLevelBpeIsRefusedByName(@TempDir Path dir) throws Exception {
        String json = Files.readString(folder().resolve("tokenizer.json"));
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(
                file,
                json.replace("\"type\": \"BPE\"", "\"type\": \"WordPiece\"")
                        .replace("\"type\":\"BPE\"", "\"type\":\"WordPiece\""));
        var e = assertThrows(TokenizerException.class, () -> BpeTokenizer.fromTokenizerJson(file));
        assertEquals(file + ": model type 'WordPiece' (only BPE) is not supported", e.getMessage());
        Files.writeString(
                file,
                json.replace("\"behavior\": \"Isolated\"", "\"behavior\": \"Removed\"")
                        .replace("\"behavior\":\"Isolated\"", "\"behavior\":\"Removed\""));
        e = assertThrows(TokenizerException.class, () -> BpeTokenizer.fromTokenizerJson(file));
        assertEquals(
                file + ": a Split with behavior Removed (only Isolated, not inverted) is not supported",
                e.getMessage());
        Files.writeString(file, "[1, 2]");
        e = assertThrows(TokenizerException.class, () -> BpeTokenizer.fromTokenizerJson(file));
        assertEquals(file + ": expected the file to be a JSON object", e.getMessage());
    }
}
