package dev.javelin.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.JavelinException;
import dev.javelin.dsl.Loss;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.data.ArrayDataset;
import dev.javelin.dsl.data.DataLoader;
import dev.javelin.dsl.nn.Linear;
import dev.javelin.dsl.optim.LrSchedule;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training from Java code: a session on the CPU backend, against the interpreter's trainer. */
class TrainingTest {
    private static final int FEATURES = 8;
    private static final int CLASSES = 3;
    private static final int EXAMPLES = 192;

    @TempDir
    Path tmp;

    /** An 8-16-3 perceptron with cross-entropy. */
    static final class Classifier implements TrainingModel {
        private final Linear fc1 = new Linear(FEATURES, 16);
        private final Linear fc2 = new Linear(16, CLASSES);

        @Override
        public String name() {
            return "classifier";
        }

        @Override
        public Traced trace(Net net) {
            net.module("fc1", fc1);
            net.module("fc2", fc2);
            Tensor x = net.input("x", DType.F32, "batch", FEATURES);
            Tensor labels = net.input("label", DType.I64, "batch");
            Tensor logits = fc2.forward(fc1.forward(x).relu());
            return new Traced(logits, Loss.crossEntropy(logits, labels));
        }

        @Override
        public Map<String, NdArray> syntheticBatch(int batch, long seed) {
            return Map.of();
        }
    }

    /** Points whose class is the largest of three fixed projections: separable, so learnable. */
    private static ArrayDataset data(int n, long seed) {
        double[] x = new double[n * FEATURES];
        long[] labels = new long[n];
        java.util.Random r = new java.util.Random(seed);
        for (int i = 0; i < n; i++) {
            double[] score = new double[CLASSES];
            for (int f = 0; f < FEATURES; f++) {
                double v = r.nextGaussian();
                x[i * FEATURES + f] = v;
                for (int c = 0; c < CLASSES; c++) {
                    score[c] += v * Math.sin(1.3 * (c + 1) * (f + 1));
                }
            }
            int best = 0;
            for (int c = 1; c < CLASSES; c++) {
                best = score[c] > score[best] ? c : best;
            }
            labels[i] = best;
        }
        return new ArrayDataset(Map.of(
                "x", NdArray.of(DType.F32, new long[] {n, FEATURES}, x),
                "label", NdArray.ofLongs(DType.I64, new long[] {n}, labels)));
    }

    private CompileOptions options() {
        return CompileOptions.cpu().withThreads(2).withCacheDir(tmp.resolve("cache"));
    }

    private static DataLoader loader(ArrayDataset d, int batch, boolean shuffle) {
        var b = DataLoader.over(d).batchSize(batch).prefetch(0);
        return (shuffle ? b.shuffle(1).dropLast(true) : b).build();
    }

    @Test
    void fitLearnsTheClassesAndStepsMatchTheInterpreter() {
        ArrayDataset train = data(EXAMPLES, 1);
        ArrayDataset test = data(96, 2);
        Map<String, NdArray> first = loader(train, 32, false).epoch(0).next();
        double want;
        try (Trainer reference = new Trainer(new Classifier(), Optimizer.named("adam"), 0, null, Backend.INTERPRETER)) {
            want = reference.step(first, 0.02);
        }
        List<Double> rates = new ArrayList<>();
        List<Training.Metrics> epochs = new ArrayList<>();
        try (Training t = Training.of(
                        new Classifier(), Optimizer.named("adam"), LrSchedule.cosine(0.02, 1, 60, 0.002), options());
                DataLoader trainLoader = loader(train, 32, true);
                DataLoader testLoader = loader(test, 48, false)) {
            t.onStep((session, step, loss, lr) -> rates.add(lr)).onEpoch((session, e, m) -> epochs.add(m));
            assertEquals("{x=f32[batch,8], label=i64[batch]}", t.batchInputs().toString());
            Training.Metrics before = t.evaluate(testLoader);
            double loss = t.step(first);
            assertEquals(want, loss, 1e-4 * Math.abs(want), "the first step's loss against the interpreter's");
            List<Training.Metrics> history = t.fit(trainLoader, 10, testLoader);
            assertEquals(10, history.size());
            assertEquals(history, epochs);
            assertEquals(1 + 10 * 6, t.steps());
            assertEquals(0.02, rates.get(0), 1e-12);
            assertEquals(0.002, rates.get(60), 1e-12);
            Training.Metrics after = history.get(9);
            assertEquals(96, after.examples());
            assertTrue(after.accuracy() > 0.85, "accuracy " + after.accuracy() + " (before: " + before + ")");
            assertTrue(after.loss() < before.loss() / 2, before + " -> " + after);
        }
    }

    @Test
    void aListenerStopsTheRunEarly() {
        try (Training t = Training.of(new Classifier(), Optimizer.named("sgd"), LrSchedule.constant(0.1), options());
                DataLoader train = loader(data(EXAMPLES, 1), 16, true)) {
            t.onStep((session, step, loss, lr) -> {
                if (step == 4) {
                    session.stop();
                }
            });
            List<Training.Metrics> history = t.fit(train, 5, null);
            assertEquals(1, history.size());
            assertEquals(5, t.steps());
            assertEquals(80, history.get(0).examples());
        }
    }

    @Test
    void aSavedSessionLoadsBackWithItsStepCount() throws Exception {
        ArrayDataset train = data(EXAMPLES, 1);
        Map<String, NdArray> batch = loader(train, 64, false).epoch(0).next();
        Path file = tmp.resolve("classifier.safetensors");
        Training.Metrics saved;
        double next;
        try (Training t =
                Training.of(new Classifier(), Optimizer.named("adam"), LrSchedule.constant(0.01), options())) {
            for (int i = 0; i < 3; i++) {
                t.step(batch);
            }
            t.save(file);
            saved = t.evaluate(batch);
            next = t.step(batch);
        }
        try (Training t = Training.of(
                new Classifier(),
                Optimizer.named("adam"),
                LrSchedule.constant(0.01),
                options().withSeed(9))) {
            t.load(file);
            assertEquals(3, t.steps());
            assertEquals(saved, t.evaluate(batch));
            assertEquals(next, t.step(batch), 1e-6, "the step after loading, Adam's moments and count included");
        }
        Path foreign = tmp.resolve("notes.safetensors");
        Files.writeString(foreign, "my notes");
        try (Training t = Training.of(new Classifier(), Optimizer.named("sgd"), LrSchedule.constant(0.01), options())) {
            assertThrows(RuntimeException.class, () -> t.save(foreign));
            assertEquals("my notes", Files.readString(foreign), "a file Javelin did not write stays as it was");
        }
    }

    @Test
    void aLossThatDivergesIsReportedWithItsStep() {
        ArrayDataset train = data(EXAMPLES, 1);
        Map<String, NdArray> batch = loader(train, 64, false).epoch(0).next();
        try (Training t = Training.of(new Classifier(), Optimizer.named("sgd"), LrSchedule.constant(1e30), options())) {
            var e = assertThrows(JavelinException.class, () -> {
                for (int i = 0; i < 10; i++) {
                    t.step(batch);
                }
            });
            assertTrue(e.getMessage().startsWith("training classifier: the loss of step "), e.getMessage());
            assertTrue(e.getMessage().contains("(learning rate 1.0E30)"), e.getMessage());
        }
    }
}
