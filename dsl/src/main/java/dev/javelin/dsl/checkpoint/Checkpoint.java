package dev.javelin.dsl.checkpoint;

import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.npy.NpyException;
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
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Saves and loads named tensors: parameters by their path ({@code encoder.fc1.weight}) and
 * optimizer state by whatever names the optimizer gives it ({@code adam.m.fc1.weight}); this
 * class only stores names. Two formats:
 *
 * <ul>
 *   <li>a folder of {@code .npy} files, one per tensor, named by the tensor ({@code
 *       encoder.fc1.weight.npy}): readable by NumPy and by eye, but bf16 has no {@code .npy} dtype;
 *   <li>one {@code .safetensors} file (see {@link Safetensors}): every dtype, and the format other
 *       frameworks load.
 * </ul>
 *
 * Every save is atomic: it completes, or the previous checkpoint stays as it was.
 */
public final class Checkpoint {
    /** File-name-safe names: no separators, and no leading dot, so no tensor becomes a hidden or special file. */
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]*");

    private Checkpoint() {}

    /**
     * Saves to {@code path}: one safetensors file if its name ends in {@code .safetensors}, else a
     * folder of {@code .npy} files.
     */
    public static void save(Path path, Map<String, NdArray> tensors) {
        if (path.getFileName().toString().endsWith(".safetensors")) {
            saveSafetensors(path, tensors, Map.of());
        } else {
            saveNpyFolder(path, tensors);
        }
    }

    /** Loads what {@link #save} wrote: a folder of {@code .npy} files or a {@code .safetensors} file. */
    public static SortedMap<String, NdArray> load(Path path) {
        if (Files.isDirectory(path)) {
            return loadNpyFolder(path);
        }
        if (!Files.exists(path)) {
            throw new CheckpointException("checkpoint " + path + " does not exist");
        }
        return loadSafetensors(path);
    }

    public static void saveSafetensors(Path file, Map<String, NdArray> tensors, Map<String, String> metadata) {
        Safetensors.write(file, tensors, metadata);
    }

    public static SortedMap<String, NdArray> loadSafetensors(Path file) {
        return Safetensors.read(file).tensors();
    }

    /**
     * Saves each tensor as {@code dir/NAME.npy}, replacing the folder as a whole so that no tensor of
     * an older checkpoint lingers. To protect other files, it refuses a folder that holds anything
     * but {@code .npy} files.
     */
    public static void saveNpyFolder(Path dir, Map<String, NdArray> tensors) {
        Map<String, String> lowerCase = new HashMap<>();
        for (Map.Entry<String, NdArray> e : new TreeMap<>(tensors).entrySet()) {
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
                throw new CheckpointException(
                        "tensor '" + name + "' is " + e.getValue().type() + ", and .npy has no bf16"
                                + " dtype; save a .safetensors file, or cast it to f32");
            }
        }
        if (Files.exists(dir)) {
            checkOnlyNpy(dir);
        }
        AtomicFiles.replaceFolder(dir, tmp -> {
            for (Map.Entry<String, NdArray> e : tensors.entrySet()) {
                AtomicFiles.writeBytes(tmp.resolve(e.getKey() + ".npy"), Npy.toBytes(e.getValue()));
            }
        });
    }

    private static void checkOnlyNpy(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("cannot save a checkpoint folder at " + dir + ": a file is there");
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (!p.getFileName().toString().endsWith(".npy") || !Files.isRegularFile(p)) {
                    throw new CheckpointException("cannot replace checkpoint folder " + dir + ": it holds " + p
                            + ", which is not a .npy file of a checkpoint; move it away or save elsewhere");
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot list " + dir + ": " + e, e);
        }
    }

    /** Every visible {@code NAME.npy} in {@code dir}, as tensor {@code NAME}; other files are ignored. */
    public static SortedMap<String, NdArray> loadNpyFolder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException(
                    "checkpoint folder " + dir + (Files.exists(dir) ? " is a file, not a folder" : " does not exist"));
        }
        SortedMap<String, NdArray> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                String n = p.getFileName().toString();
                if (n.endsWith(".npy") && !n.startsWith(".") && Files.isRegularFile(p)) {
                    out.put(n.substring(0, n.length() - 4), Npy.read(p));
                }
            }
        } catch (NpyException e) {
            throw new CheckpointException(e.getMessage(), e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read checkpoint folder " + dir + ": " + e, e);
        }
        return Collections.unmodifiableSortedMap(out);
    }

    /**
     * Checks that {@code loaded} holds exactly the tensors {@code expected} names, each of the
     * expected type; otherwise fails with one message that lists every missing, extra and mis-typed
     * tensor, so a user fixes them all in one go. Expected types must be static.
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
