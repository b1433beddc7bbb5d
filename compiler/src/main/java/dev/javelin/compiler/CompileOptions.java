package dev.javelin.compiler;

import dev.javelin.JavelinException;
import dev.javelin.compiler.cpu.CpuBackend;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * How {@link Javelin#compile} compiles: the target, the sizes of the graph's symbolic dimensions,
 * fusion, threads, the kernel cache, the seed of a net's initial parameters and where progress
 * lines go. Immutable; every {@code with} method returns a changed copy.
 *
 * @param target {@code cpu}, {@code cuda} or {@code auto} (CUDA where a GPU is usable, else the CPU)
 * @param sizes a size for each symbolic dimension of the graph, such as {@code batch=32}
 * @param fuse whether the fusion pass runs (off only to compare against unfused kernels)
 * @param threads CPU threads, the caller included; 0 for one per processor
 * @param cacheDir where compiled CPU kernels are cached between runs; null for no cache
 * @param seed the seed of a traced net's initial parameter values
 * @param log receives one line per compile step worth knowing (cache hits, the chosen device)
 */
public record CompileOptions(
        String target,
        Map<String, Long> sizes,
        boolean fuse,
        int threads,
        Path cacheDir,
        long seed,
        Consumer<String> log) {
    static final List<String> TARGETS = List.of("cpu", "cuda", "auto");

    /**
     * Checks the options and copies {@code sizes} into an immutable sorted map.
     *
     * @throws JavelinException if the target is unknown, a size is below 1 or {@code threads} is negative
     * @throws NullPointerException if {@code target} or {@code log} is null
     */
    public CompileOptions {
        Objects.requireNonNull(target, "target");
        if (!TARGETS.contains(target)) {
            throw new JavelinException("compile target '" + target + "' is not one of " + String.join(", ", TARGETS));
        }
        sizes = Map.copyOf(new TreeMap<>(sizes));
        sizes.forEach((name, size) -> {
            if (size < 1) {
                throw new JavelinException("size of dimension '" + name + "' must be at least 1, found " + size);
            }
        });
        if (threads < 0) {
            throw new JavelinException("threads must be 0 (one per processor) or more, found " + threads);
        }
        Objects.requireNonNull(log, "log");
    }

    /**
     * The CPU or a GPU, whichever is there; no sizes; fused; a thread per processor; seed 0; quiet.
     *
     * @return the default options
     */
    public static CompileOptions defaults() {
        return new CompileOptions("auto", Map.of(), true, 0, CpuBackend.defaultCacheDir(), 0, line -> {});
    }

    /**
     * {@link #defaults()} on the CPU.
     *
     * @return the default options with the target {@code cpu}
     */
    public static CompileOptions cpu() {
        return defaults().withTarget("cpu");
    }

    /**
     * These options with another target.
     *
     * @param t {@code cpu}, {@code cuda} or {@code auto}
     * @return the changed copy
     * @throws JavelinException if the target is none of those
     */
    public CompileOptions withTarget(String t) {
        return new CompileOptions(t, sizes, fuse, threads, cacheDir, seed, log);
    }

    /**
     * Binds the symbolic dimension {@code name} (such as {@code batch}) to {@code size}.
     *
     * @param name the symbol
     * @param size its size, at least 1
     * @return the changed copy
     */
    public CompileOptions withSize(String name, long size) {
        Map<String, Long> s = new TreeMap<>(sizes);
        s.put(name, size);
        return new CompileOptions(target, s, fuse, threads, cacheDir, seed, log);
    }

    /**
     * Shorthand for {@code withSize("batch", size)}.
     *
     * @param size the batch size, at least 1
     * @return the changed copy
     */
    public CompileOptions withBatch(long size) {
        return withSize("batch", size);
    }

    /**
     * These options with fusion on or off (off only to compare against unfused kernels).
     *
     * @param on whether the fusion pass runs
     * @return the changed copy
     */
    public CompileOptions withFusion(boolean on) {
        return new CompileOptions(target, sizes, on, threads, cacheDir, seed, log);
    }

    /**
     * These options with another number of CPU threads.
     *
     * @param n the threads, the caller included; 0 for one per processor
     * @return the changed copy
     */
    public CompileOptions withThreads(int n) {
        return new CompileOptions(target, sizes, fuse, n, cacheDir, seed, log);
    }

    /**
     * These options with another kernel cache folder.
     *
     * @param dir where compiled CPU kernels are cached between runs; null for no cache
     * @return the changed copy
     */
    public CompileOptions withCacheDir(Path dir) {
        return new CompileOptions(target, sizes, fuse, threads, dir, seed, log);
    }

    /**
     * These options with another seed for a traced net's initial parameter values.
     *
     * @param s the seed
     * @return the changed copy
     */
    public CompileOptions withSeed(long s) {
        return new CompileOptions(target, sizes, fuse, threads, cacheDir, s, log);
    }

    /**
     * These options with another receiver of progress lines.
     *
     * @param l receives one line per compile step worth knowing
     * @return the changed copy
     */
    public CompileOptions withLog(Consumer<String> l) {
        return new CompileOptions(target, sizes, fuse, threads, cacheDir, seed, l);
    }
}
