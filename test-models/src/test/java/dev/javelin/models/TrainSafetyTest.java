package dev.javelin.models;

import static dev.javelin.compiler.testing.Cli.run;
import static dev.javelin.models.TrainBadInputTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.Cli.Run;
import dev.javelin.dsl.checkpoint.Checkpoint;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code javelin train} never loses a file, resumes from what it saves, and names bad values where they are. */
class TrainSafetyTest {
    @TempDir
    Path tmp;

    /** A data folder for two-layer-net: {@code x.npy} f32[n,1000] and {@code y.npy} f32[n,10]. */
    private Path data(String name, int n) throws Exception {
        Path d = Files.createDirectories(tmp.resolve(name));
        Npy.write(d.resolve("x.npy"), NdArray.zeros(DType.F32, n, 1000));
        Npy.write(d.resolve("y.npy"), NdArray.zeros(DType.F32, n, 10));
        return d;
    }

    private static List<String> list(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Run train(String... args) {
        List<String> all = new ArrayList<>(List.of("train", "--backend", "interpreter"));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    @Test
    void theDataFolderIsNeverReplacedByASave() throws Exception {
        Path d = data("digits", 4);
        byte[] x = Files.readAllBytes(d.resolve("x.npy"));
        byte[] y = Files.readAllBytes(d.resolve("y.npy"));
        Run r = train("--model", "two-layer-net", "--data", d.toString(), "--save", d.toString(), "--steps", "1");
        assertFails(
                r,
                "--save " + d + ": cannot save checkpoint folder " + d + ": it holds x.npy, y.npy, and is not a"
                        + " checkpoint Javelin wrote (no javelin-checkpoint.json)");
        assertFalse(r.out().contains("step 1/"), "refused before training: " + r.out());
        assertArrayEquals(x, Files.readAllBytes(d.resolve("x.npy")));
        assertArrayEquals(y, Files.readAllBytes(d.resolve("y.npy")));
        assertEquals(List.of("x.npy", "y.npy"), list(d));
    }

    @Test
    void aLossFileInsideTheSaveFolderIsTheRunsOwn() throws Exception {
        Path d = tmp.resolve("run");
        String csv = d.resolve("loss.csv").toString();
        for (int i = 0; i < 2; i++) {
            Run r = train("--model", "two-layer-net", "--steps", "2", "--save", d.toString(), "--loss-csv", csv);
            assertEquals(0, r.code(), r.err());
        }
        assertEquals(
                List.of("1,", "2,"),
                Files.readAllLines(Path.of(csv)).stream()
                        .map(l -> l.substring(0, 2))
                        .toList());
        assertEquals(Map.of("w1", 1, "w2", 1).keySet(), Checkpoint.load(d).keySet());
    }

    @Test
    void outputsNeverOverwriteWhatTheRunReadsOrSaves() throws Exception {
        Path d = data("d2", 4);
        byte[] x = Files.readAllBytes(d.resolve("x.npy"));
        assertFails(
                train(
                        "--model",
                        "two-layer-net",
                        "--data",
                        d.toString(),
                        "--loss-csv",
                        d.resolve("x.npy").toString()),
                "--loss-csv " + d.resolve("x.npy") + " is inside the --data folder " + d);
        assertArrayEquals(x, Files.readAllBytes(d.resolve("x.npy")));
        Path ck = tmp.resolve("ck.safetensors");
        assertEquals(
                0,
                train("--model", "two-layer-net", "--steps", "1", "--save", ck.toString())
                        .code());
        byte[] saved = Files.readAllBytes(ck);
        assertFails(
                train("--model", "two-layer-net", "--steps", "1", "--save", ck.toString(), "--loss-csv", ck.toString()),
                "--loss-csv " + ck + " is the --save checkpoint; name another file");
        assertFails(
                train("--model", "two-layer-net", "--steps", "1", "--init", ck.toString(), "--plot", ck.toString()),
                "--plot " + ck + " would overwrite the --init checkpoint " + ck);
        assertFails(
                train(
                        "--model",
                        "two-layer-net",
                        "--loss-csv",
                        tmp.resolve("a").toString(),
                        "--html",
                        tmp.resolve("a").toString()),
                "--loss-csv and --html name the same file " + tmp.resolve("a"));
        assertArrayEquals(saved, Files.readAllBytes(ck));
    }

    @Test
    void theRunsOwnFoldersInsideANewSaveFolderAreItsOwn() throws Exception {
        Path d = tmp.resolve("new");
        String csv = d.resolve("logs/loss.csv").toString();
        for (int i = 0; i < 2; i++) {
            Run r = train("--model", "two-layer-net", "--steps", "1", "--save", d.toString(), "--loss-csv", csv);
            assertEquals(0, r.code(), r.err());
        }
    }

    @Test
    void aDamagedCheckpointIsRefusedBeforeTraining() throws Exception {
        Path ck = tmp.resolve("ck");
        assertEquals(
                0,
                train("--model", "two-layer-net", "--steps", "1", "--save", ck.toString())
                        .code());
        Files.writeString(ck.resolve("javelin-checkpoint.json"), "{\"format\":");
        Run r = train("--model", "two-layer-net", "--steps", "1", "--save", ck.toString());
        assertFails(r, "--save " + ck + ": cannot save checkpoint folder " + ck + ": its manifest is damaged (");
        assertFalse(r.out().contains("step 1/"), r.out());
    }

    @Test
    void debugSaysWhyThereIsNoGpu() {
        Run r = run("train", "--debug", "--model", "two-layer-net", "--steps", "0");
        assertEquals(0, r.code(), r.err());
        for (String line : r.out().lines().toList()) {
            if (line.startsWith("no usable GPU")) {
                assertTrue(line.startsWith("no usable GPU (") && line.length() > 40, line);
            }
        }
    }

    @Test
    void aForeignSafetensorsFileIsNeverReplaced() throws Exception {
        Path f = tmp.resolve("model.safetensors");
        Files.write(
                f, dev.javelin.dsl.checkpoint.Safetensors.toBytes(Map.of("w", NdArray.zeros(DType.F32, 2)), Map.of()));
        byte[] before = Files.readAllBytes(f);
        assertFails(
                train("--model", "two-layer-net", "--steps", "1", "--save", f.toString()),
                "--save " + f + ": cannot save checkpoint " + f + ": a file is there that Javelin did not write");
        assertArrayEquals(before, Files.readAllBytes(f));
    }

    @Test
    void initReadsWhatSaveWritesAndResumesExactly() throws Exception {
        String half = tmp.resolve("half.safetensors").toString();
        String resumed = tmp.resolve("resumed").toString();
        String straight = tmp.resolve("straight.safetensors").toString();
        // the CPU backend keeps f32 state between steps, as a checkpoint does (the interpreter keeps float64)
        String[] common = {
            "train", "--model", "mnist-mlp", "--backend", "simd", "--optimizer", "adam", "--lr", "1e-3", "--batch", "2"
        };
        assertEquals(0, run(concat(common, "--steps", "2", "--save", half)).code());
        Run r = run(concat(common, "--steps", "2", "--init", half, "--save", resumed));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("step 4/4 "), "steps count on from the checkpoint's: " + r.out());
        assertEquals(0, run(concat(common, "--steps", "4", "--save", straight)).code());
        Checkpoint.Contents a = Checkpoint.read(Path.of(resumed));
        Checkpoint.Contents b = Checkpoint.read(Path.of(straight));
        assertEquals("4", a.metadata().get(Checkpoint.STEPS));
        assertEquals(b.tensors(), a.tensors(), "2 steps, saved, resumed for 2 more = 4 steps in one go");
        Run again = run(concat(common, "--steps", "1", "--init", resumed));
        assertEquals(0, again.code(), "--init also reads a checkpoint folder: " + again.err());
    }

    private static String[] concat(String[] a, String... b) {
        List<String> l = new ArrayList<>(List.of(a));
        l.addAll(List.of(b));
        return l.toArray(String[]::new);
    }

    @Test
    void nonFiniteDataAndCheckpointsAreNamedWhereTheyAre() throws Exception {
        Path d = Files.createDirectories(tmp.resolve("nan"));
        NdArray x = NdArray.zeros(DType.F32, 3, 1000);
        double[] v = new double[3 * 1000];
        v[2 * 1000 + 5] = Double.NaN;
        Npy.write(d.resolve("x.npy"), NdArray.of(DType.F32, new long[] {3, 1000}, v));
        Npy.write(d.resolve("y.npy"), NdArray.zeros(DType.F32, 3, 10));
        assertFails(
                train("--model", "two-layer-net", "--data", d.toString(), "--steps", "1"),
                "data " + d + ": 'x' holds NaN in example 2 at [5]; training needs finite values");
        Path ck = tmp.resolve("bad.safetensors");
        double[] inf = new double[100 * 10];
        java.util.Arrays.fill(inf, Double.POSITIVE_INFINITY);
        Checkpoint.save(
                ck,
                Map.of(
                        "w1", NdArray.zeros(DType.F32, 1000, 100),
                        "w2", NdArray.of(DType.F32, new long[] {100, 10}, inf)));
        assertFails(
                train("--model", "two-layer-net", "--init", ck.toString(), "--steps", "1"),
                "checkpoint --init " + ck + ": 'w2' holds Infinity at index 0 [0,0]");
        assertEquals(3, x.dim(0));
    }

    @Test
    void optionsOutOfRangeAreNamedWithTheirValues() throws Exception {
        assertFails(train("--model", "two-layer-net", "--lr", "-1"), "--lr must be a finite number > 0, found -1.0");
        assertFails(train("--model", "two-layer-net", "--batch", "0"), "--batch must be >= 1, found 0");
        assertFails(train("--model", "two-layer-net", "--steps", "-2"), "--steps must be >= 0, found -2");
        assertFails(
                train("--model", "two-layer-net", "--data", "mnist", "--epochs", "0"),
                "--epochs must be >= 1, found 0");
        assertFails(
                train("--model", "mnist-mlp", "--batch", "2000000", "--steps", "1"), "--batch 2000000 needs about ");
        assertFails(
                train("--model", "mnist-mlp", "--batch", "100000000", "--steps", "1"),
                "--batch 100000000 needs about ");
        Path empty = data("empty", 0);
        assertFails(
                train("--model", "two-layer-net", "--data", empty.toString()),
                "data folder " + empty + " holds 0 examples (x.npy is f32[0,1000]); training needs at least one");
        assertFails(run("bench", "--model", "mnist-mlp", "--threads", "0"), "--threads must be between 1 and ");
        assertFails(run("bench", "--model", "mnist-mlp", "--threads", "1000"), "--threads must be between 1 and ");
    }

    @Test
    void eachModelTrainsWithItsOwnDefaults() throws Exception {
        Run models = run("models");
        assertEquals(0, models.code(), models.err());
        assertTrue(models.out().contains("two-layer-net"), models.out());
        assertTrue(models.out().contains("(defaults: --optimizer sgd --lr 0.000001 --batch 64)"), models.out());
        assertEquals(4, models.out().lines().count(), models.out());
        Path csv = tmp.resolve("loss.csv");
        Run r = run("train", "--model", "two-layer-net", "--steps", "100", "--loss-csv", csv.toString());
        assertEquals(0, r.code(), "the defaults do not diverge: " + r.err());
        List<String> lines = Files.readAllLines(csv);
        double first = Double.parseDouble(lines.get(0).split(",")[1]);
        double last = Double.parseDouble(lines.get(lines.size() - 1).split(",")[1]);
        assertTrue(last < first / 10, "the loss falls: " + first + " -> " + last);
        for (String line : r.out().lines().toList()) {
            if (line.contains("GPU")) {
                assertEquals("no usable GPU: running on the CPU backend (--device gpu says why)", line);
            }
        }
    }

    @Test
    void everyHelpTextNamesOnlyWhatExists() {
        for (String cmd : List.of("train", "bench", "compile", "models", "demo")) {
            Run r = run(cmd, "--help");
            assertEquals(0, r.code(), cmd);
            assertFalse(r.out().contains("--list"), cmd + " --help: " + r.out());
        }
        assertTrue(run("train", "--help").out().contains("javelin models"));
    }
}
