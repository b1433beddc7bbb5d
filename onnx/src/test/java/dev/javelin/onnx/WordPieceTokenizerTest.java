package dev.javelin.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javelin.dsl.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WordPieceTokenizer} on all-MiniLM-L6-v2's tokenizer.json against Hugging Face {@code
 * tokenizers} 0.23.2: every text of wordpiece-fixture.json (accents, CJK, emoji, control and format
 * characters, punctuation, a 101-character word, truncation to 128, and 200 seeded random strings
 * over those scripts) gives exactly its ids, padded
 * to 128 with a matching attention mask. make_wordpiece_fixture.py beside the fixture rewrites it.
 */
class WordPieceTokenizerTest {
    private static Path tokenizerFile() {
        Path p = PretrainedModels.miniLmFile().resolveSibling("all-minilm-l6-v2-tokenizer.json");
        assumeTrue(
                Files.isRegularFile(p),
                "all-MiniLM-L6-v2's tokenizer.json is not in " + p.getParent()
                        + "; run scripts/fetch-onnx-models to fetch it (this test skips until then)");
        return p;
    }

    @Test
    void matchesHuggingFaceTokenizersOnEveryFixtureText() throws IOException {
        WordPieceTokenizer t = WordPieceTokenizer.load(tokenizerFile());
        String fixture;
        try (InputStream in = WordPieceTokenizerTest.class.getResourceAsStream("wordpiece-fixture.json")) {
            fixture = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<?> cases = (List<?>) Json.parse(fixture, "wordpiece-fixture.json");
        assertEquals(224, cases.size());
        for (Object o : cases) {
            Map<?, ?> c = (Map<?, ?>) o;
            String text = (String) c.get("text");
            long[] want = ((List<?>) c.get("ids"))
                    .stream().mapToLong(v -> ((Number) v).longValue()).toArray();
            WordPieceTokenizer.Encoding e = t.encode(text);
            int length = ((Number) c.get("length")).intValue();
            assertEquals(length, e.ids().length, text);
            assertArrayEquals(want, Arrays.copyOf(e.ids(), want.length), "ids of '" + text + "'");
            for (int i = 0; i < length; i++) {
                assertEquals(i < want.length ? 1 : 0, e.attentionMask()[i], "mask " + i + " of '" + text + "'");
                assertEquals(i < want.length ? want[i] : 0, e.ids()[i], "id " + i + " of '" + text + "'");
                assertEquals(0, e.typeIds()[i]);
            }
        }
    }

    @Test
    void aFileWithoutAWordPieceModelIsAnErrorNamingIt(@TempDir Path tmp) throws IOException {
        Path bpe = Files.writeString(tmp.resolve("bpe.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}");
        OnnxException e = assertThrows(OnnxException.class, () -> WordPieceTokenizer.load(bpe));
        assertEquals(bpe + ": model type is BPE; only WordPiece is supported", e.getMessage());
        Path broken = Files.writeString(tmp.resolve("broken.json"), "{\"model\": ");
        OnnxException j = assertThrows(OnnxException.class, () -> WordPieceTokenizer.load(broken));
        assertTrue(j.getMessage().startsWith(broken + ": invalid JSON"), j.getMessage());
        Path noCls = Files.writeString(
                tmp.resolve("nocls.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"[SEP]\": 0}}}");
        OnnxException c = assertThrows(OnnxException.class, () -> WordPieceTokenizer.load(noCls));
        assertEquals(noCls + ": the vocabulary has no [CLS] token", c.getMessage());
    }
}
