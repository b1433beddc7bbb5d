package dev.javelin.dsl.checkpoint;

import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Saves and loads named tensors: parameters by their path ({@code encoder.fc1.weight}) and
 * optimizer state by whatever names the optimizer gives it ({@code adam.m.fc1.weight}), with string
 * metadata beside them (the trainer's step count). Two formats, both written crash-safely:
 *
 * <ul>
 *   <li>a checkpoint folder ({@link CheckpointFolder}): a manifest naming a sub-folder of plain
 *       {@code .npy} files, one per tensor, readable by NumPy and by eye; bf16 has no {@code .npy}
 *       dtype;
 *   <li>one {@code .safetensors} file (see {@link Safetensors}): every dtype, and the format other
 *       frameworks load; replaced by one atomic rename.
 * </ul>
 *
 * Loading also accepts a plain folder of {@code .npy} files (made by hand or by NumPy). A save never
 * removes or replaces a file Javelin did not write: {@link SaveTarget} states the rules.
 */
public final class Checkpoint {
    /** File-name-safe names: no separators, and no leading dot, so no tensor becomes a hidden or special file. */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]*");

    /** The metadata key under which a trainer records how many steps produced the checkpoint. */
    public static final String STEPS = "javelin.steps";

    /** The metadata key every checkpoint Javelin writes carries, with the value {@code checkpoint}. */
    public static final String WRITER = "javelin";

    private Checkpoint() {}

    /**
     * What a checkpoint holds: its tensors by name, and its metadata.
     *
     * @param tensors the tensors by name, sorted
     * @param metadata the metadata, sorted by key
     */
    public record Contents(SortedMap<String, NdArray> tensors, SortedMap<String, String> metadata) {
        /**
         * Contents from any maps, copied into unmodifiable sorted ones.
         *
         * @param tensors the tensors by name
         * @param metadata the metadata
         */
        public Contents(Map<String, NdArray> tensors, Map<String, String> metadata) {
            this(
                    Collections.unmodifiableSortedMap(new TreeMap<>(tensors)),
                    Collections.unmodifiableSortedMap(new TreeMap<>(metadata)));
        }
    }

    /**
     * Whether {@code path} names a single-file checkpoint (by its {@code .safetensors} name) rather than a folder.
     *
     * @param path the save target
     * @return true for a {@code .safetensors} file, false for a folder
     */
    public static boolean isFile(Path path) {
        return path.getFileName() != null && path.getFileName().toString().endsWith(".safetensors");
    }

    /**
     * Saves {@code tensors} with no metadata of the caller's; see {@link #save(Path, Map, Map)}.
     *
     * @param path a {@code .safetensors} file or a folder
     * @param tensors the tensors by name, usually parameters by path
     */
    public static void save(Path path, Map<String, NdArray> tensors) {
        save(path, tensors, Map.of());
    }

    /**
     * Saves to {@code path}: one safetensors file if its name ends in {@code .safetensors}, else a
     * checkpoint folder. The target must pass {@link SaveTarget#check}; the previous checkpoint there
     * is replaced crash-safely.
     *
     * @param path a {@code .safetensors} file or a folder
     * @param tensors the tensors by name, usually parameters by path
     * @param metadata string metadata to store with them, such as the step count
     * @throws CheckpointException if the target is not fit for a checkpoint or the write fails
     */
    public static void save(Path path, Map<String, NdArray> tensors, Map<String, String> metadata) {
        save(path, tensors, metadata, Set.of());
    }

    /**
     * As {@link #save(Path, Map, Map)}, where {@code ownFiles} are files the caller wrote into a new
     * target folder itself (a loss CSV beside the checkpoint), which do not make the folder foreign.
     *
     * @param path a {@code .safetensors} file or a folder
     * @param tensors the tensors by name, usually parameters by path
     * @param metadata string metadata to store with them, such as the step count
     * @param ownFiles the caller's own files in the target folder
     * @throws CheckpointException if the target is not fit for a checkpoint or the write fails
     */
    public static void save(Path path, Map<String, NdArray> tensors, Map<String, String> metadata, Set<Path> ownFiles) {
        SaveTarget.check(path, types(tensors), ownFiles);
        Map<String, String> md = new TreeMap<>(metadata);
        md.put(WRITER, "checkpoint");
        if (isFile(path)) {
            // through a symbolic link to the file it names, so the link stays a link to the new checkpoint
            Safetensors.write(resolveLink(path), tensors, md);
        } else {
            CheckpointFolder.save(path, tensors, md);
        }
    }

    private static Path resolveLink(Path path) {
        try {
            return Files.isSymbolicLink(path) ? path.toRealPath() : path;
        } catch (IOException e) {
            return path; // a dangling link: the write replaces it, as it would any missing file
        }
    }

    /**
     * Reads any checkpoint {@link #save} writes (a {@code .safetensors} file or a checkpoint folder)
     * and plain folders of {@code .npy} files.
     *
     * @param path a {@code .safetensors} file, a checkpoint folder or a folder of {@code .npy} files
     * @return the tensors and metadata
     * @throws CheckpointException if the checkpoint is missing, unreadable or malformed
     */
    public static Contents read(Path path) {
        if (Files.isDirectory(path)) {
            if (CheckpointFolder.isCheckpoint(path)) {
                return CheckpointFolder.read(path);
            }
            return new Contents(loadNpyFolder(path), Map.of());
        }
        if (!Files.exists(path)) {
            throw new CheckpointException("checkpoint " + path + " does not exist");
        }
        Safetensors.Contents c = Safetensors.read(path);
        return new Contents(c.tensors(), c.metadata());
    }

    /**
     * The types of {@code tensors}, by name.
     *
     * @param tensors the tensors by name
     * @return a new sorted map of their types
     */
    public static SortedMap<String, TensorType> types(Map<String, NdArray> tensors) {
        SortedMap<String, TensorType> types = new TreeMap<>();
        tensors.forEach((k, v) -> types.put(k, v.type()));
        return types;
    }

    /**
     * The tensors of {@link #read}.
     *
     * @param path a {@code .safetensors} file, a checkpoint folder or a folder of {@code .npy} files
     * @return the tensors by name
     * @throws CheckpointException if the checkpoint is missing, unreadable or malformed
     */
    public static SortedMap<String, NdArray> load(Path path) {
        return read(path).tensors();
    }

    /**
     * Refuses tensors a checkpoint folder cannot hold as one {@code .npy} file each: names that are not
     * file names (or collide on case-insensitive file systems) and bf16 tensors.
     */
    static void checkFolderNames(Path dir, Map<String, TensorType> tensors) {
        Map<String, String> lowerCase = new HashMap<>();
        for (Map.Entry<String, TensorType> e : new TreeMap<>(tensors).entrySet()) {
            String name = e.getKey();
            if (!FILE_NAME.matcher(name).matches()) {
                throw new CheckpointException("tensor name '" + name + "' cannot be a file name in " + dir + ": use"
                        + " letters, digits, '_', '-' and '.', not starting with '.' (or save a .safetensors file)");
            }
            String clash = lowerCase.put(name.toLowerCase(Locale.ROOT), name);
            if (clash != null) {
                throw new CheckpointException("tensors '" + clash + "' and '" + name + "' differ only in case, so their"
                        + " files would collide on case-insensitive file systems; save a .safetensors file instead");
            }
            if (e.getValue().dtype() == DType.BF16) {
                throw new CheckpointException("tensor '" + name + "' is " + e.getValue() + ", and .npy has no bf16"
                        + " dtype; save a .safetensors file, or cast it to f32");
            }
        }
    }

    /**
     * Every visible {@code NAME.npy} in {@code dir}, as tensor {@code NAME}; other files are ignored.
     *
     * @param dir the folder
     * @return the tensors by name
     * @throws CheckpointException if the folder is missing or a file cannot be read
     */
    public static SortedMap<String, NdArray> loadNpyFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(
                    "checkpoint folder " + dir + (Files.exists(dir) ? " is a file, not a folder" : " does not exist"));
        }
        try {
            return Collections.unmodifiableSortedMap(CheckpointFolder.loadFolder(dir));
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint folder " + dir + ": " + IoReason.of(e), e);
        }
    }

    /**
     * Checks that {@code loaded} holds exactly the tensors {@code expected} names, each of the
     * expected type; otherwise fails with one message that lists every missing, extra and mis-typed
     * tensor, so a user fixes them all in one go. Expected types must be static.
     *
     * @param expected the model's tensors and their types
     * @param loaded the tensors read from a checkpoint
     * @throws CheckpointException if a tensor is missing, extra or of another type
     */
    public static void check(Map<String, TensorType> expected, Map<String, NdArray> loaded) {
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, TensorType> e : new TreeMap<>(expected).entrySet()) {
            TensorType want = e.getValue();
            if (!want.shape().isStatic()) {
                throw new IllegalArgumentException("the expected type of " + e.getKey() + " is " + want
                        + "; checkpoint tensors have static shapes");
            }
            NdArray got = loaded.get(e.getKey());
            if (got == null) {
                missing.add("  missing: " + e.getKey() + " " + want);
            } else if (!got.type().equals(want)) {
                boolean sameShape = got.type().shape().equals(want.shape());
                String what = got.dtype() == want.dtype() ? "wrong shape" : sameShape ? "wrong dtype" : "wrong type";
                wrong.add("  " + what + ": " + e.getKey() + " is " + got.type() + ", the model wants " + want);
            }
        }
        for (Map.Entry<String, NdArray> e : new TreeMap<>(loaded).entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                extra.add("  extra: " + e.getKey() + " " + e.getValue().type());
            }
        }
        if (missing.isEmpty() && extra.isEmpty() && wrong.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>(List.of("checkpoint does not match the model:"));
        lines.addAll(missing);
        lines.addAll(extra);
        lines.addAll(wrong);
        throw new CheckpointException(String.join("\n", lines));
    }
}
