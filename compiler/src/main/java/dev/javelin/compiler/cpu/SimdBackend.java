package dev.javelin.compiler.cpu;

import dev.javelin.dsl.train.Backend;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.ProgramLayout;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The CPU backend for the trainer: each graph compiled by the optimizer passes, generated as Java
 * Vector API kernels ({@link CpuBackend}) and run by a {@link CpuExecutor} that keeps the
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
        return new SimdProgram(compiled.executor(pool));
    }

    @Override
    public void close() {
        pool.close();
    }

    /** A compiled graph whose parameters live in the executor's memory. */
    static final class SimdProgram implements Program {
        private final CpuExecutor ex;

        SimdProgram(CpuExecutor ex) {
            this.ex = ex;
        }

        @Override
        public void setParameter(String name, NdArray value) {
            set("parameter", name, value);
        }

        @Override
        public NdArray parameter(String name) {
            return get("parameter", name);
        }

        @Override
        public Map<String, NdArray> run(Map<String, NdArray> inputs) {
            for (ProgramLayout.Bind b : ex.layout().bindings("input")) {
                NdArray v = inputs.get(b.name());
                if (v == null) {
                    throw new IllegalArgumentException("program " + ex.layout().name() + " needs input '" + b.name()
                            + "' (given " + inputs.keySet() + ")");
                }
                set("input", b.name(), v);
            }
            ex.run();
            Map<String, NdArray> out = new LinkedHashMap<>();
            for (ProgramLayout.Bind b : ex.layout().bindings("output")) {
                out.put(b.name(), get("output", b.name()));
            }
            return out;
        }

        private void set(String role, String name, NdArray v) {
            Feeds.set(ex, role, name, v);
        }

        private NdArray get(String role, String name) {
            return Feeds.get(ex, role, name);
        }
    }
}
