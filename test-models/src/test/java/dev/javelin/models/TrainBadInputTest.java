package dev.javelin.models;

import static dev.javelin.compiler.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.Cli.Run;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code javelin train} on bad input: one clear line (or a short list), exit 1, and no stack trace. */
class TrainBadInputTest {
    @TempDir
    Path tmp;

    static void assertFails(Run r, String message) {
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.err().startsWith("javelin: " + message), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void missingDataFolder() {
        Path none = tmp.resolve("nope");
        assertFails(
                run("train", "--model", "two-layer-net", "--data", none.toString()),
                "data folder " + none + " does not exist");
    }

    @Test
    void wrongCheckpointListsEveryProblem() throws Exception {
        Path init = Files.createDirectories(tmp.resolve("init"));
        Npy.write(init.resolve("w1.npy"), NdArray.zeros(DType.F32, 1000, 99));
        Npy.write(init.resolve("w3.npy"), NdArray.zeros(DType.F32, 2));
        Run r = run("train", "--model", "two-layer-net", "--init", init.toString(), "--steps", "1");
        assertFails(r, "initial values for model two-layer-net: checkpoint does not match the model");
        assertTrue(r.err().contains("missing: w2 f32[100,10]"), r.err());
        assertTrue(r.err().contains("extra: w3 f32[2]"), r.err());
        assertTrue(r.err().contains("wrong shape: w1 is f32[1000,99], the model wants f32[1000,100]"), r.err());
    }

    @Test
    void labelsOutOfRange() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("digits"));
        Npy.write(data.resolve("image.npy"), NdArray.zeros(DType.F32, 4, 784));
        Npy.write(data.resolve("label.npy"), NdArray.ofLongs(DType.I64, new long[] {4}, 3, 1, 12, 0));
        assertFails(
                run("train", "--model", "mnist-mlp", "--data", data.toString(), "--steps", "1"),
                "label out of range: input 'label' holds 12 at index 2, but model mnist-mlp has 10 classes"
                        + " (labels 0..9)");
    }

    @Test
    void dataThatDoesNotFitTheModel() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("xy"));
        Npy.write(data.resolve("x.npy"), NdArray.zeros(DType.F32, 4, 999));
        assertFails(
                run("train", "--model", "two-layer-net", "--data", data.toString(), "--steps", "1"),
                "data " + data + " does not fit model two-layer-net: column 'x' holds f32[999] per example, input x"
                        + " : f32[batch,1000] wants f32[1000]; no column 'y' (y.npy) for input y : f32[batch,10]");
    }

    @Test
    void unknownModelAndOptimizer() {
        assertFails(run("train", "--model", "resnet"), "unknown model 'resnet' (known: two-layer-net, mnist-mlp,");
        assertFails(
                run("train", "--model", "mnist-mlp", "--optimizer", "lion"),
                "unknown optimizer 'lion' (expected sgd, momentum, nesterov, adam or adamw)");
    }

    @Test
    void syntheticTrainingWritesTheLossFileAndACheckpoint() throws Exception {
        Path csv = tmp.resolve("loss.csv");
        Path ckpt = tmp.resolve("ckpt.safetensors");
        Run r = run(
                "train",
                "--model",
                "transformer-block",
                "--steps",
                "3",
                "--batch",
                "2",
                "--optimizer",
                "adamw",
                "--lr",
                "1e-3",
                "--loss-csv",
                csv.toString(),
                "--save",
                ckpt.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(3, Files.readAllLines(csv).size());
        assertTrue(Files.readAllLines(csv).get(0).startsWith("1,"), "steps count from 1");
        assertTrue(r.out().contains("saved "), r.out());
        assertTrue(Files.size(ckpt) > 0);
    }

    @Test
    void printsAModelsTrainingStep() {
        Run r = run("ir", "print", "--model", "mnist-mlp", "--train", "--optimizer", "adam");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("graph mnist_mlp_train_step {"), r.out());
        assertTrue(r.out().contains("%adam.m.fc1.weight = parameter : f32[784,512]"), r.out());
        assertTrue(r.out().contains("= assign(%fc3.bias, "), r.out());
    }
}
