package dev.javelin.compiler.cli;

import dev.javelin.dsl.checkpoint.Checkpoint;
import dev.javelin.dsl.checkpoint.CheckpointException;
import dev.javelin.dsl.data.Dataset;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code javelin train} checks before it trains (memory, non-finite values) and how it saves
 * after: the checks fail in the first second with the option and the value named, and a save that
 * fails at the end still keeps the trained weights.
 */
final class TrainChecks {
    private TrainChecks() {}

    /**
     * Refuses a batch whose step cannot fit in this JVM's heap, before anything is allocated: the
     * host batch (8 bytes per element, as {@link NdArray} holds it, twice for the loader's prefetch)
     * plus every value of the step graph at its dtype (an upper bound of the arena, which reuses
     * memory). {@code hostBytesPerValue} is 8 for the float64 interpreter, else the dtype's size.
     */
    static void checkMemory(Graph step, Map<String, TensorType> batchInputs, long batch, boolean interpreter) {
        double host = 0;
        for (TensorType t : batchInputs.values()) {
            host += 2.0 * 8 * elements(t, batch);
        }
        double values = 0;
        for (Node n : step.nodes()) {
            values += elements(n.type(), batch)
                    * (interpreter ? 8 : n.type().dtype().byteSize());
        }
        Runtime rt = Runtime.getRuntime();
        double available = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (host + values > available) {
            throw new CliException(String.format(
                    Locale.ROOT,
                    "--batch %d needs about %s of memory (%s for the batches, up to %s for the step's values) and"
                            + " this JVM has %s available (raise it with JAVA_OPTS=-Xmx..., or use a smaller"
                            + " --batch)",
                    batch,
                    bytes(host + values),
                    bytes(host),
                    bytes(values),
                    bytes(available)));
        }
    }

    /** Elements of {@code t} with every symbolic dimension (the batch) bound to {@code batch}, as a double. */
    private static double elements(TensorType t, long batch) {
        double n = 1;
        for (Dim d : t.shape().dims()) {
            n *= d instanceof Dim.Fixed f ? f.size() : batch;
        }
        return n;
    }

    static String bytes(double b) {
        if (b >= 1e9) {
            return String.format(Locale.ROOT, "%.1f GB", b / 1e9);
        }
        return String.format(Locale.ROOT, "%.1f MB", b / 1e6);
    }

    /** Fails naming the first tensor that holds a NaN or an infinity, and where in it. */
    static void checkFinite(Map<String, NdArray> tensors, String what) {
        for (Map.Entry<String, NdArray> e : new java.util.TreeMap<>(tensors).entrySet()) {
            NdArray a = e.getValue();
            if (!a.dtype().isFloat()) {
                continue;
            }
            for (int i = 0; i < a.size(); i++) {
                double v = a.get(i);
                if (!Double.isFinite(v)) {
                    throw new CliException(what + ": '" + e.getKey() + "' holds " + v + " at index " + i
                            + (a.rank() > 1 ? " " + position(a.type(), i) : "") + "; training needs finite values"
                            + " (fix or drop that example)");
                }
            }
        }
    }

    /** The multi-index of flat index {@code i}, as {@code [row, col]}. */
    private static String position(TensorType t, long i) {
        long[] sizes = t.shape().sizes();
        long[] idx = new long[sizes.length];
        for (int d = sizes.length - 1; d >= 0; d--) {
            idx[d] = i % sizes[d];
            i /= sizes[d];
        }
        return java.util.Arrays.toString(idx).replace(" ", "");
    }

    /** Checks every column of a data set, a batch at a time (the whole set, once, before training). */
    static void checkFinite(Dataset ds, String what) {
        int chunk = 4096;
        for (int start = 0; start < ds.size(); start += chunk) {
            int n = Math.min(chunk, ds.size() - start);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = start + i;
            }
            try {
                checkFinite(ds.batch(idx), what);
            } catch (CliException e) {
                throw new CliException(e.getMessage()
                        .replaceFirst(
                                " at index (\\d+)", " at index $1 of examples " + start + ".." + (start + n - 1)));
            }
        }
    }

    /**
     * Saves the trained state; when the save fails (the disk filled up, the folder vanished), writes
     * it to a rescue file instead and fails naming both, so training is never thrown away.
     */
    static void save(
            Path target,
            Map<String, NdArray> state,
            Map<String, String> metadata,
            Set<Path> ownFiles,
            String model,
            java.io.PrintWriter out) {
        try {
            Checkpoint.save(target, state, metadata, ownFiles);
            out.println("saved " + state.size() + " tensors to " + target);
        } catch (CheckpointException e) {
            Path rescue = rescue(target, state, metadata, model);
            throw new CliException("cannot save --save " + target + ": " + e.getMessage()
                    + (rescue != null
                            ? "\nthe trained parameters and optimizer state were saved to " + rescue
                                    + " instead (continue from it with --init " + rescue + ")"
                            : "\nand no rescue file could be written either: the trained state is lost"));
        }
    }

    /**
     * Writes the state to a fresh file in the nearest existing folder above the target, else the
     * working folder, else the temporary folder; null if none takes it.
     */
    static Path rescue(Path target, Map<String, NdArray> state, Map<String, String> metadata, String model) {
        String name = "javelin-rescue-" + model.replaceAll("[^A-Za-z0-9_-]", "_") + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".safetensors";
        Path near = target.toAbsolutePath().getParent();
        while (near != null && !java.nio.file.Files.isDirectory(near)) {
            near = near.getParent();
        }
        for (Path dir :
                new Path[] {near, Path.of("").toAbsolutePath(), Path.of(System.getProperty("java.io.tmpdir"))}) {
            if (dir == null) {
                continue;
            }
            Path file = dir.resolve(name);
            try {
                Checkpoint.save(file, state, metadata);
                return file;
            } catch (CheckpointException e) {
                // try the next folder
            }
        }
        return null;
    }
}
