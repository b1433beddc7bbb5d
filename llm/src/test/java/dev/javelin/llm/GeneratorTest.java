package dev.javelin.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.CompileOptions;
import dev.javelin.ir.npy.Npy;
import dev.javelin.llm.gpt2.Gpt2Checkpoint;
import dev.javelin.llm.gpt2.Gpt2Test;
import dev.javelin.llm.llama.LlamaCheckpoint;
import dev.javelin.llm.llama.LlamaTest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Generation on the compiled CPU backend: greedy decoding of the tiny GPT-2 and Llama gives the
 * tokens {@code transformers}' {@code generate} chose; sampling is reproducible from its seed and
 * follows the softmax; what does not fit is refused by name.
 */
class GeneratorTest {
    @Test
    void greedyGpt2MatchesTransformers() throws IOException {
        Gpt2Checkpoint ck = Gpt2Checkpoint.load(Gpt2Test.fixture().resolve("model"));
        long[] want = Npy.read(Gpt2Test.fixture().resolve("greedy.npy")).toLongs();
        List<Integer> streamed = new ArrayList<>();
        try (Generator g = new Generator(ck.model(), ck.weights(), want.length, CompileOptions.cpu())) {
            Generator.Result r = g.generate(Arrays.copyOf(want, 5), want.length - 5, Sampling.GREEDY, streamed::add);
            assertArrayEquals(want, r.ids());
            assertEquals(want.length - 5, streamed.size());
            assertEquals(want[5], (long) streamed.get(0));
            assertEquals(5, r.promptTokens());
            assertTrue(r.prefillRate() > 0 && r.decodeRate() > 0, r.toString());
        }
    }

    @Test
    void greedyLlamaMatchesTransformers() throws IOException {
        LlamaCheckpoint ck = LlamaCheckpoint.load(LlamaTest.fixture().resolve("model"));
        long[] want = Npy.read(LlamaTest.fixture().resolve("greedy.npy")).toLongs();
        try (Generator g = new Generator(ck.model(), ck.weights(), want.length, CompileOptions.cpu())) {
            Generator.Result r = g.generate(Arrays.copyOf(want, 4), want.length - 4, Sampling.GREEDY, t -> {});
            assertArrayEquals(want, r.ids());
            assertArrayEquals(Arrays.copyOfRange(want, 4, want.length), r.generated());
        }
    }

    @Test
    void samplingIsReproducibleFromItsSeed() throws IOException {
        Gpt2Checkpoint ck = Gpt2Checkpoint.load(Gpt2Test.fixture().resolve("model"));
        long[] prompt = {1, 2, 3};
        try (Generator g = new Generator(ck.model(), ck.weights(), 24, CompileOptions.cpu())) {
            long[] a = g.generate(prompt, 20, new Sampling(1.0, 50, 0.95, 7), t -> {})
                    .ids();
            long[] b = g.generate(prompt, 20, new Sampling(1.0, 50, 0.95, 7), t -> {})
                    .ids();
            long[] c = g.generate(prompt, 20, new Sampling(1.0, 50, 0.95, 8), t -> {})
                    .ids();
            assertArrayEquals(a, b);
            assertNotEquals(Arrays.toString(a), Arrays.toString(c));
            // top-k 1 leaves only the most likely token: greedy
            long[] k1 =
                    g.generate(prompt, 20, new Sampling(1.0, 1, 1, 9), t -> {}).ids();
            assertArrayEquals(g.generate(prompt, 20, Sampling.GREEDY, t -> {}).ids(), k1);
        }
    }

    @Test
    void drawsFollowTheSoftmax() {
        float[] logits = {0, (float) Math.log(3), -50};
        Sampling.Chooser c = new Sampling(1, 0, 1, 42).chooser();
        int[] counts = new int[3];
        for (int i = 0; i < 20_000; i++) {
            counts[c.next(logits)]++;
        }
        assertEquals(0.25, counts[0] / 20_000.0, 0.015);
        assertEquals(0.75, counts[1] / 20_000.0, 0.015);
        assertEquals(0, counts[2]);
        // top-p 0.5: the most likely token alone covers it
        Sampling.Chooser p = new Sampling(1, 0, 0.5, 42).chooser();
        for (int i = 0; i < 100; i++) {
            assertEquals(1, p.next(logits));
        }
        // a high temperature flattens: the unlikely third token appears
        Sampling.Chooser hot = new Sampling(100, 0, 1, 42).chooser();
        int third = 0;
        for (int i = 0; i < 3000; i++) {
            third += hot.next(logits) == 2 ? 1 : 0;
        }
        assertTrue(third > 600, "draws of the third token at temperature 100: " + third);
    }

    @Test
    void whatDoesNotFitIsRefused() throws IOException {
        Gpt2Checkpoint ck = Gpt2Checkpoint.load(Gpt2Test.fixture().resolve("model"));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new Generator(ck.model(), ck.weights(), 65, CompileOptions.cpu()));
        assertEquals("a generation of 65 tokens does not fit the model's 64 positions", e.getMessage());
        try (Generator g = new Generator(ck.model(), ck.weights(), 8, CompileOptions.cpu())) {
            e = assertThrows(
                    IllegalArgumentException.class, () -> g.generate(new long[] {1, 2}, 7, Sampling.GREEDY, t -> {}));
            assertEquals(
                    "a prompt of 2 tokens and 7 new ones do not fit the 8 tokens this generator was compiled for",
                    e.getMessage());
            e = assertThrows(
                    IllegalArgumentException.class, () -> g.generate(new long[] {1, 384}, 1, Sampling.GREEDY, t -> {}));
            assertEquals("prompt token 384 at index 1 is not in the vocabulary (ids 0 to 383)", e.getMessage());
        }
        e = assertThrows(IllegalArgumentException.class, () -> new Sampling(1, 0, 0, 1));
        assertEquals("top-p must be in (0, 1], found 0.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Sampling(-1, 0, 1, 1));
        assertEquals("the temperature must be 0 (greedy) or positive, found -1.0", e.getMessage());
    }

    @Test
    void promptsArePaddedToPowerOfTwoBuckets() {
        assertEquals(1, Generator.bucket(1, 64));
        assertEquals(2, Generator.bucket(2, 64));
        assertEquals(8, Generator.bucket(5, 64));
        assertEquals(8, Generator.bucket(8, 64));
        assertEquals(16, Generator.bucket(9, 64));
        assertEquals(40, Generator.bucket(33, 40)); // capped at the generation's length
    }
}
