package dev.javelin.compiler.cpu;

import dev.javelin.compiler.exec.ExecutorProgram;
import dev.javelin.dsl.train.Backend;
import dev.javelin.ir.graph.Graph;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuPool;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The CPU backend for the trainer: each graph compiled by the optimizer passes, generated as Java
 * Vector API kernels ({@link CpuBackend}) and run by a {@link dev.javelin.runtime.cpu.CpuExecutor} that keeps the
 * parameters and optimizer state in its memory between steps.
 */
public final class SimdBackend implements Backend, AutoCloseable {
    private final CpuPool pool;
    private final Path cacheDir;
    private final Consumer<String> log;
    private final PassOptions options;

    public SimdBackend(CpuPool pool, Path cacheDir, PassOptions options, Consumer<String> log) {
        this.pool = pool;
        this.cacheDir = cacheDir;
        this.options = options;
        this.log = log;
    }

    /** On a pool sized to the machine, with the default cache folder and passes. */
    public static SimdBackend forMachine(Consumer<String> log) {
        return new SimdBackend(CpuPool.forMachine(), CpuBackend.defaultCacheDir(), PassOptions.defaults(), log);
    }

    @Override
    public String name() {
        return "simd";
    }

    @Override
    public Program prepare(Graph g, Map<String, Long> sizes) {
        Compilation c = Pipeline.compile(g, sizes, options);
        CpuBackend.Compiled compiled = CpuBackend.compile(c.plan(), cacheDir, log);
        return new ExecutorProgram(compiled.executor(pool), () -> {});
    }

    @Override
    public void close() {
        pool.close();
    }
}
