package dev.javelin.dsl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    /** Parameters and optimizer state as a model and Adam would name them; every dtype .npy holds. */
    static Map<String, NdArray> state() {
        Map<String, NdArray> m = new TreeMap<>(SafetensorsTest.everyDtype());
        m.remove("bf16");
        m.put("encoder.fc1.weight", NdArray.of(DType.F32, new long[] {2, 3}, 1, 2, 3, 4, 5, 6));
        m.put("adam.m.encoder.fc1.weight", NdArray.zeros(DType.F32, 2, 3));
        m.put("adam.step", NdArray.ofLongs(DType.I64, new long[] {}, 12));
        return m;
    }

    @Test
    void folderRoundTripsWithAFilePerTensorAndItsMetadata() throws IOException {
        Path ckpt = dir.resolve("step-12");
        Checkpoint.save(ckpt, state(), Map.of(Checkpoint.STEPS, "12"));
        Checkpoint.Contents c = Checkpoint.read(ckpt);
        assertEquals(state(), c.tensors());
        assertEquals("12", c.metadata().get(Checkpoint.STEPS));
        assertEquals(List.of(".lock", "javelin-checkpoint.json", "tensors.1"), list(ckpt));
        assertEquals(
                NdArray.of(DType.F32, new long[] {2, 3}, 1, 2, 3, 4, 5, 6),
                Npy.read(ckpt.resolve("tensors.1/encoder.fc1.weight.npy")),
                "each file is a plain .npy that NumPy reads");
        assertEquals(state().size() + 1, list(ckpt.resolve("tensors.1")).size(), "the tensors and the marker");
    }

    @Test
    void safetensorsRoundTripsEveryDtype() {
        Path ckpt = dir.resolve("model.safetensors");
        Map<String, NdArray> all = new TreeMap<>(state());
        all.put("bf16", SafetensorsTest.everyDtype().get("bf16"));
        Checkpoint.save(ckpt, all, Map.of(Checkpoint.STEPS, "7"));
        assertTrue(Files.isRegularFile(ckpt));
        assertEquals(all, Checkpoint.load(ckpt));
        assertEquals("7", Checkpoint.read(ckpt).metadata().get(Checkpoint.STEPS));
    }

    @Test
    void loadsAPlainFolderOfNpyFiles() throws IOException {
        Path plain = Files.createDirectory(dir.resolve("numpy"));
        Npy.write(plain.resolve("w.npy"), NdArray.zeros(DType.F32, 2));
        assertEquals(Map.of("w", NdArray.zeros(DType.F32, 2)), Checkpoint.load(plain));
    }

    @Test
    void savingAFolderAgainReplacesItWhole() throws IOException {
        Path ckpt = dir.resolve("latest");
        Checkpoint.save(ckpt, state());
        Map<String, NdArray> smaller = Map.of("w", NdArray.zeros(DType.F64, 2));
        Checkpoint.save(ckpt, smaller);
        assertEquals(smaller, Checkpoint.load(ckpt), "no tensor of the older checkpoint lingers");
        assertEquals(List.of(".lock", "javelin-checkpoint.json", "tensors.2"), list(ckpt), "the old tensors are gone");
        assertEquals(List.of("latest"), list(dir), "no temporary is left behind");
    }

    @Test
    void aFailedSaveLeavesThePreviousCheckpointIntact() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Checkpoint.save(file, state());
        assertThrows(
                CheckpointException.class,
                () -> AtomicFiles.writeFile(file, ch -> {
                    ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                    throw new IOException("disk full");
                }));
        assertEquals(state(), Checkpoint.load(file));
        assertEquals(List.of("model.safetensors"), list(dir), "temporaries are cleaned up");
    }

    @Test
    void refusesWhatAFolderOfNpyCannotHoldBeforeWritingAnything() {
        Path ckpt = dir.resolve("c");
        assertEquals(
                "tensor 'bf16' is bf16[3], and .npy has no bf16 dtype; save a .safetensors file, or cast it to f32",
                assertThrows(CheckpointException.class, () -> Checkpoint.save(ckpt, SafetensorsTest.everyDtype()))
                        .getMessage());
        assertEquals(
                "tensor name 'enc/fc1' cannot be a file name in " + ckpt + ": use letters, digits, '_', '-' and '.',"
                        + " not starting with '.' (or save a .safetensors file)",
                assertThrows(
                                CheckpointException.class,
                                () -> Checkpoint.save(ckpt, Map.of("enc/fc1", NdArray.zeros(DType.F32, 1))))
                        .getMessage());
        assertEquals(
                "tensors 'W' and 'w' differ only in case, so their files would collide on case-insensitive file"
                        + " systems; save a .safetensors file instead",
                assertThrows(
                                CheckpointException.class,
                                () -> Checkpoint.save(
                                        ckpt,
                                        Map.of("w", NdArray.zeros(DType.F32, 1), "W", NdArray.zeros(DType.F32, 1))))
                        .getMessage());
        assertTrue(Files.notExists(ckpt));
    }

    @Test
    void neverReplacesAFolderOfDataItDidNotWrite() throws IOException {
        Path data = Files.createDirectory(dir.resolve("digits"));
        Npy.write(data.resolve("image.npy"), NdArray.zeros(DType.F32, 4, 3));
        Files.writeString(data.resolve("notes.txt"), "precious");
        byte[] image = Files.readAllBytes(data.resolve("image.npy"));
        assertEquals(
                "cannot save checkpoint folder " + data + ": it holds image.npy, notes.txt, and is not a checkpoint"
                        + " Javelin wrote (no javelin-checkpoint.json); a save only goes into a new or empty folder or a"
                        + " Javelin checkpoint, so that no file of yours is ever replaced: name a new folder",
                assertThrows(CheckpointException.class, () -> Checkpoint.save(data, state()))
                        .getMessage());
        assertArrayEquals(image, Files.readAllBytes(data.resolve("image.npy")));
        assertEquals("precious", Files.readString(data.resolve("notes.txt")));
        assertEquals(List.of("image.npy", "notes.txt"), list(data));
    }

    @Test
    void leavesOtherFilesInACheckpointFolderAlone() throws IOException {
        Path ckpt = dir.resolve("run");
        Path csv = ckpt.resolve("loss.csv");
        Files.createDirectories(ckpt);
        Files.writeString(csv, "1,0.5\n");
        Checkpoint.save(ckpt, state(), Map.of(), java.util.Set.of(csv));
        Checkpoint.save(ckpt, state());
        assertEquals("1,0.5\n", Files.readString(csv));
        assertEquals(state(), Checkpoint.load(ckpt));
    }

    @Test
    void aUsersFolderNamedLikeATensorsFolderIsNeverDeleted() throws IOException {
        Path ckpt = dir.resolve("run");
        Checkpoint.save(ckpt, state());
        Path mine = Files.createDirectories(ckpt.resolve("tensors.7"));
        Files.writeString(mine.resolve("backup.txt"), "precious");
        Files.createDirectories(ckpt.resolve("tensors.2")); // the name the next save would take
        Checkpoint.save(ckpt, state());
        Checkpoint.save(ckpt, state());
        assertEquals("precious", Files.readString(mine.resolve("backup.txt")));
        assertTrue(Files.isDirectory(ckpt.resolve("tensors.2")));
        assertEquals(state(), Checkpoint.load(ckpt));
    }

    @Test
    void aDeadProcesssTemporaryDoesNotMakeAFolderForeign() throws IOException {
        Path fresh = Files.createDirectories(dir.resolve("fresh"));
        // what a save killed while probing the folder leaves (no process has that id)
        Files.createFile(fresh.resolve(".probe.saving-999999999-" + java.util.UUID.randomUUID()));
        Checkpoint.save(fresh, state());
        assertEquals(state(), Checkpoint.load(fresh));
    }

    @Test
    void aDamagedManifestIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path ckpt = dir.resolve("run");
        Checkpoint.save(ckpt, state());
        Path manifest = ckpt.resolve("javelin-checkpoint.json");
        Files.writeString(manifest, "{\"format\": \"javelin-\ncheckpoint\"}");
        CheckpointException e = assertThrows(
                CheckpointException.class, () -> SaveTarget.check(ckpt, Checkpoint.types(state()), java.util.Set.of()));
        assertTrue(
                e.getMessage().startsWith("cannot save checkpoint folder " + ckpt + ": its manifest is damaged ("),
                e.getMessage());
        assertTrue(e.getMessage().contains("\\u000a"), "the newline is shown, not printed: " + e.getMessage());
    }

    @Test
    void aSaveThroughASymbolicLinkKeepsTheLink() throws IOException {
        Path real = dir.resolve("real.safetensors");
        Checkpoint.save(real, state());
        Path link = Files.createSymbolicLink(dir.resolve("latest.safetensors"), real);
        Map<String, NdArray> next = Map.of("w", NdArray.zeros(DType.F32, 2));
        Checkpoint.save(link, next);
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(next, Checkpoint.load(real));
    }

    @Test
    void neverReplacesASafetensorsFileItDidNotWrite() throws IOException {
        Path foreign = dir.resolve("hf.safetensors");
        Files.write(foreign, Safetensors.toBytes(state(), Map.of("format", "pt")));
        byte[] before = Files.readAllBytes(foreign);
        assertEquals(
                "cannot save checkpoint " + foreign + ": a file is there that Javelin did not write (it has no"
                        + " \"javelin\" metadata), and a save never replaces such a file; move it away or save elsewhere",
                assertThrows(CheckpointException.class, () -> Checkpoint.save(foreign, state()))
                        .getMessage());
        assertArrayEquals(before, Files.readAllBytes(foreign));
        Path junk = dir.resolve("junk.safetensors");
        Files.writeString(junk, "not a checkpoint at all");
        assertThrows(CheckpointException.class, () -> Checkpoint.save(junk, state()));
        assertEquals("not a checkpoint at all", Files.readString(junk));
    }

    @Test
    void refusesAFileWhereAFolderGoesAndTheOtherWayRound() throws IOException {
        Path file = Files.writeString(dir.resolve("ckpt"), "mine");
        assertEquals(
                "cannot save checkpoint folder " + file + ": a file is there (a name ending in .safetensors saves one"
                        + " file)",
                assertThrows(CheckpointException.class, () -> Checkpoint.save(file, state()))
                        .getMessage());
        Path folder = Files.createDirectory(dir.resolve("x.safetensors"));
        assertTrue(assertThrows(CheckpointException.class, () -> Checkpoint.save(folder, state()))
                .getMessage()
                .startsWith("cannot save checkpoint " + folder + ": it is a folder"));
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void namesWhatIsMissingOnLoad() {
        Path missing = dir.resolve("nope");
        assertEquals(
                "checkpoint " + missing + " does not exist",
                assertThrows(CheckpointException.class, () -> Checkpoint.load(missing))
                        .getMessage());
        assertEquals(
                "checkpoint folder " + missing + " does not exist",
                assertThrows(CheckpointException.class, () -> Checkpoint.loadNpyFolder(missing))
                        .getMessage());
    }

    @Test
    void checkListsEveryMismatchInOneMessage() {
        Map<String, TensorType> model = Map.of(
                "fc1.weight", TensorType.of(DType.F32, 784, 512),
                "fc1.bias", TensorType.of(DType.F32, 512),
                "fc2.bias", TensorType.of(DType.F32, 10),
                "fc2.weight", TensorType.of(DType.F32, 512, 10));
        Map<String, NdArray> loaded = Map.of(
                "fc1.weight", NdArray.zeros(DType.F32, 784, 256),
                "fc1.bias", NdArray.zeros(DType.F64, 512),
                "fc2.weight", NdArray.zeros(DType.F32, 512, 10),
                "fc3.weight", NdArray.zeros(DType.F32, 10, 10));
        assertEquals(
                """
                checkpoint does not match the model:
                  missing: fc2.bias f32[10]
                  extra: fc3.weight f32[10,10]
                  wrong dtype: fc1.bias is f64[512], the model wants f32[512]
                  wrong shape: fc1.weight is f32[784,256], the model wants f32[784,512]""",
                assertThrows(CheckpointException.class, () -> Checkpoint.check(model, loaded))
                        .getMessage());
    }

    @Test
    void checkAcceptsAnExactMatch() {
        Map<String, TensorType> model = Map.of("w", TensorType.of(DType.F32, 2, 3), "n", TensorType.scalar(DType.I64));
        Map<String, NdArray> loaded =
                Map.of("w", NdArray.zeros(DType.F32, 2, 3), "n", NdArray.ofLongs(DType.I64, new long[] {}, 3));
        assertDoesNotThrow(() -> Checkpoint.check(model, loaded));
        assertEquals(
                "  wrong type: w is f64[3], the model wants f32[2,3]",
                assertThrows(
                                CheckpointException.class,
                                () -> Checkpoint.check(
                                        Map.of("w", TensorType.of(DType.F32, 2, 3)),
                                        Map.of("w", NdArray.zeros(DType.F64, 3))))
                        .getMessage()
                        .lines()
                        .toList()
                        .get(1));
    }

    private static List<String> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
