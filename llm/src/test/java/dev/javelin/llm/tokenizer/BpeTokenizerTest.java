package dev.javelin.llm.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javelin.dsl.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GPT-2's tokenizer against the reference vocabulary's own encoder: 227 texts (English, contractions,
 * numbers, white space runs, accents, CJK, emoji with modifiers and joiners, RTL scripts, combining
 * marks, controls, mathematical letters, and 200 seeded random mixtures of these) with the ids
 * gpt-3-encoder@1.1.4's JavaScript encoder gives, run by node ({@code gpt2-tokenizer-cases.js} beside
 * the fixture writes it from the texts of {@code gpt2-tokenizer-cases.py}, which drew them and checked
 * Hugging Face's Python and Rust GPT-2 tokenizers give the same ids: all three agree on every case).
 */
class BpeTokenizerTest {
    private static BpeTokenizer gpt2;

    /** The repository's cache, which scripts/fetch-gpt2-vocab fills; found from the module folder upward. */
    static Path vocabulary() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/fetch-gpt2-vocab"))) {
                return p.resolve(".cache/gpt2");
            }
        }
        return Path.of(".cache/gpt2");
    }

    @BeforeAll
    static void load() {
        Path folder = vocabulary();
        if (Files.isRegularFile(folder.resolve("vocab.bpe"))) {
            gpt2 = BpeTokenizer.gpt2(folder);
        }
    }

    private static BpeTokenizer gpt2() {
        assumeTrue(
                gpt2 != null,
                "GPT-2's vocabulary is not fetched (no " + vocabulary()
                        + "/vocab.bpe); run scripts/fetch-gpt2-vocab to include this test");
        return gpt2;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases() throws IOException {
        try (InputStream in = BpeTokenizerTest.class.getResourceAsStream("gpt2-tokenizer-cases.json")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return (List<Map<String, Object>>)
                    ((Map<String, Object>) Json.parse(text, "gpt2-tokenizer-cases.json")).get("cases");
        }
    }

    @Test
    void everyCaseGivesHuggingFacesIdsAndDecodesBack() throws IOException {
        BpeTokenizer t = gpt2();
        List<Map<String, Object>> cases = cases();
        assertEquals(227, cases.size());
        assertEquals(8777, assertCases(t, cases));
    }

    /** Each case's ids from its text and its text from its ids; returns how many ids there were. */
    static int assertCases(BpeTokenizer t, List<Map<String, Object>> cases) {
        int tokens = 0;
        for (Map<String, Object> c : cases) {
            String text = (String) c.get("text");
            int[] want = ((List<?>) c.get("ids"))
                    .stream().mapToInt(v -> ((Number) v).intValue()).toArray();
            assertArrayEquals(want, t.encode(text), () -> "ids of " + Json.write(text));
            assertEquals(text, t.decode(want), () -> "text of the ids of " + Json.write(text));
            tokens += want.length;
        }
        return tokens;
    }

    @Test
    void knownIdsAndTheVocabulary() {
        BpeTokenizer t = gpt2();
        assertArrayEquals(new int[] {15496, 995}, t.encode("Hello world"));
        assertEquals(50257, t.size());
        assertEquals(50256, t.id("<|endoftext|>").orElseThrow());
        assertEquals(262, t.id("Ġthe").orElseThrow());
        assertEquals(true, t.id("no such token").isEmpty());
        // ids cut inside a character decode to the replacement character, as GPT-2's decoder does
        int[] emoji = t.encode("👍");
        assertArrayEquals(new int[] {41840, 235}, emoji); // Hugging Face's ids
        assertEquals("\uFFFD", t.decode(emoji[0]));
    }

    @Test
    void anIdOutsideTheVocabularyIsNamed() {
        BpeTokenizer t = gpt2();
        var e = assertThrows(TokenizerException.class, () -> t.decode(15496, 50257));
        assertEquals("id 50257 at index 1 is not in the vocabulary (50257 tokens, ids 0 to 50256)", e.getMessage());
        e = assertThrows(TokenizerException.class, () -> t.decode(-1));
        assertEquals("id -1 at index 0 is not in the vocabulary (50257 tokens, ids 0 to 50256)", e.getMessage());
    }

    /** A vocabulary of its own: the pair of lowest rank merges first, wherever it is in the word. */
    @Test
    void lowestRankMergesFirst(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("vocab.json"), """
                {"h": 0, "e": 1, "l": 2, "o": 3, "he": 4, "ll": 5, "llo": 6, "hello": 7, "Ġ": 8, "Ġhello": 9}
                """);
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\nl l\nh e\nll o\nhe llo\nĠ hello\n");
        BpeTokenizer t = BpeTokenizer.gpt2(dir);
        assertArrayEquals(new int[] {7, 9}, t.encode("hello hello"));
        assertArrayEquals(new int[] {4, 2}, t.encode("hel"));
        assertEquals("hello hello", t.decode(7, 9));
    }

    @Test
    void malformedFilesAreNamedWithTheirLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"b\": 1}");
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\na b\na  b\n");
        var e = assertThrows(TokenizerException.class, () -> BpeTokenizer.gpt2(dir));
        assertEquals(
                dir.resolve("merges.txt") + ":3: expected a merge 'first second' (two tokens, one space), found 'a  b'",
                e.getMessage());
        assertEquals(dir.resolve("merges.txt") + ":3", e.position().orElseThrow());

        Files.writeString(dir.resolve("merges.txt"), "a b\n");
        Files.writeString(dir.resolve("vocab.json"), "[\"a\", \"b\"]");
        e = assertThrows(TokenizerException.class, () -> BpeTokenizer.gpt2(dir));
        assertEquals(
                dir.resolve("vocab.json") + ": expected a JSON object from token to id, found an array",
                e.getMessage());

        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"b\": 0}");
        e = assertThrows(TokenizerException.class, () -> BpeTokenizer.gpt2(dir));
        assertEquals(
                true, e.getMessage().matches(".*vocab.json: id 0 is given to both '[ab]' and '[ab]'"), e.getMessage());

        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0.5}");
        e = assertThrows(TokenizerException.class, () -> BpeTokenizer.gpt2(dir));
        assertEquals(
                dir.resolve("vocab.json") + ": the id of token 'a' must be a non-negative integer, found 0.5",
                e.getMessage());

        Path empty = Files.createDirectory(dir.resolve("empty"));
        e = assertThrows(TokenizerException.class, () -> BpeTokenizer.gpt2(empty));
        assertEquals(
                "no GPT-2 vocabulary in " + empty + ": expected vocab.json and merges.txt (Hugging Face) or"
                        + " encoder.json and vocab.bpe (OpenAI; scripts/fetch-gpt2-vocab fetches them)",
                e.getMessage());
    }

    @Test
    void mismatchedVocabularyAndMergesAreSaidToBe(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("vocab.json"), "{\"a\": 0, \"b\": 1}");
        Files.writeString(dir.resolve("merges.txt"), "a b\n");
        BpeTokenizer t = BpeTokenizer.gpt2(dir);
        var e = assertThrows(TokenizerException.class, () -> t.encode("ab"));
        assertEquals(
                "the vocabulary has no token 'ab', which the merges make from the text 'ab': the vocabulary and"
                        + " merges files do not belong together",
                e.getMessage());
    }
}
