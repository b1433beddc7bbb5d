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
     * Refuses output options that would overwrite what the run reads or saves: two outputs on one
     * path, an output on the --save target or on a name the checkpoint folder owns, an output on or
     * inside the --init checkpoint, an output inside the --data folder.
     */
    static void checkOutputs(Map<String, Path> outputs, Path save, Path init, Path dataDir) {
        Map<Path, String> seen = new java.util.HashMap<>();
        for (Map.Entry<String, Path> e : outputs.entrySet()) {
            String option = e.getKey();
            Path out = canonical(e.getValue());
            String other = seen.put(out, option);
            if (other != null) {
                throw new CliException(other + " and " + option + " name the same file " + e.getValue());
            }
            if (save != null && out.equals(canonical(save))) {
                throw new CliException(option + " " + e.getValue() + " is the --save checkpoint; name another file");
            }
            if (save != null && dev.javelin.dsl.checkpoint.SaveTarget.ownedByCheckpoint(canonical(save), out)) {
                throw new CliException(option + " " + e.getValue() + " is a file of the --save checkpoint folder;"
                        + " name another file");
            }
            if (init != null && out.startsWith(canonical(init))) {
                throw new CliException(option + " " + e.getValue() + " would overwrite the --init checkpoint " + init
                        + "; name another file");
            }
            if (dataDir != null && out.startsWith(canonical(dataDir))) {
                throw new CliException(option + " " + e.getValue() + " is inside the --data folder " + dataDir
                        + ", which a run only reads; write outputs elsewhere");
            }
        }
    }

    /** The real path where it exists (symbolic links resolved), else the absolute, normalized one. */
    private static Path canonical(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return java.nio.file.Files.exists(abs) ? abs.toRealPath() : abs;
        } catch (java.io.IOException e) {
            return abs;
        }
    }

    /**
     * Refuses a batch whose step cannot fit in this JVM's heap, before anything is allocated: the
     * host batch (8 bytes per element, as {@link NdArray} holds it, twice for the loader's prefetch)
     * plus every value of the step graph at its dtype (an upper bound of the arena, which reuses
     * memory), 8 bytes per element for the float64 interpreter; for a compiled backend where that
     * bound does not fit, the step's planned memory instead ({@link #planned}).
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
        if (host + values > available && !interpreter) {
            // the bound adds every value; a compiled step reuses memory, so ask its plan before refusing
            values = planned(step, batch, values);
        }
        if (host + values > available) {
            throw new CliException(String.format(
                    Locale.ROOT,
                    "--batch %d needs about %s of memory (%s for the batches, %s for the step's values) and"
                            + " this JVM has %s available (raise it with JAVA_OPTS=-Xmx..., or use a smaller"
                            + " --batch)",
                    batch,
                    bytes(host + values),
                    bytes(host),
                    bytes(values),
                    bytes(available)));
        }
    }

    /**
     * The compiled step's memory: its planned arena at its peak plus every parameter and input (the
     * GPT-2 124M step at batch 4 bounds to 26 GB by adding every value, and plans to a few); the
     * bound {@code orElse} where the plan cannot be made here (the compile will then say why).
     */
    private static double planned(Graph step, long batch, double orElse) {
        try {
            var plan = dev.javelin.passes.pipeline.Pipeline.compile(
                            step, Map.of("batch", batch), dev.javelin.passes.pipeline.PassOptions.defaults())
                    .plan();
            double bytes = dev.javelin.passes.memory.MemoryNumbers.of(plan).peakBytes();
            for (Node n : step.nodes()) {
                if (n.op() instanceof dev.javelin.ir.op.Parameter || n.op() instanceof dev.javelin.ir.op.Input) {
                    bytes += elements(n.type(), batch) * n.type().dtype().byteSize();
                }
            }
            return Math.min(bytes, orElse);
        } catch (RuntimeException e) {
            return orElse;
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
            long i = firstNonFinite(e.getValue());
            if (i >= 0) {
                NdArray a = e.getValue();
                throw new CliException(what + ": '" + e.getKey() + "' holds " + a.get((int) i) + " at index " + i
                        + (a.rank() > 1 ? " " + position(a.type().shape().sizes(), i) : "")
                        + "; training needs finite values");
            }
        }
    }

    /** The flat index of the first NaN or infinity of a float array, or -1. */
    private static long firstNonFinite(NdArray a) {
        if (a.dtype().isFloat()) {
            for (int i = 0; i < a.size(); i++) {
                if (!Double.isFinite(a.get(i))) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The multi-index of flat index {@code i} in an array of {@code sizes}, as {@code [row,col]}. */
    private static String position(long[] sizes, long i) {
        long[] idx = new long[sizes.length];
        for (int d = sizes.length - 1; d >= 0; d--) {
            idx[d] = i % sizes[d];
            i /= sizes[d];
        }
        return java.util.Arrays.toString(idx).replace(" ", "");
    }

    /**
     * Checks every column of a data set, a batch of examples at a time (the whole set, once, before
     * training); a bad value is named by its example and its place inside the example.
     */
    static void checkFinite(Dataset ds, String what) {
        int chunk = 4096;
        for (int start = 0; start < ds.size(); start += chunk) {
            int n = Math.min(chunk, ds.size() - start);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = start + i;
            }
            for (Map.Entry<String, NdArray> e : new java.util.TreeMap<>(ds.batch(idx)).entrySet()) {
                long i = firstNonFinite(e.getValue());
                if (i >= 0) {
                    long[] sizes = e.getValue().type().shape().sizes();
                    long perExample = e.getValue().size() / n;
                    long[] inner = java.util.Arrays.copyOfRange(sizes, 1, sizes.length);
                    throw new CliException(what + ": '" + e.getKey() + "' holds "
                            + e.getValue().get((int) i)
                            + " in example " + (start + i / perExample)
                            + (inner.length > 0 ? " at " + position(inner, i % perExample) : "")
                            + "; training needs finite values (fix or drop that example)");
                }
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
        String stem = "javelin-rescue-" + model.replaceAll("[^A-Za-z0-9_-]", "_") + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path near = target.toAbsolutePath().getParent();
        while (near != null && !java.nio.file.Files.isDirectory(near)) {
            near = near.getParent();
        }
        for (Path dir :
                new Path[] {near, Path.of("").toAbsolutePath(), Path.of(System.getProperty("java.io.tmpdir"))}) {
            if (dir == null) {
                continue;
            }
            Path file = dir.resolve(stem + ".safetensors");
            for (int k = 2; java.nio.file.Files.exists(file); k++) { // never replace an earlier rescue
                file = dir.resolve(stem + "-" + k + ".safetensors");
            }
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
