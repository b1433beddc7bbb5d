package dev.javelin.compiler.cuda;

import dev.javelin.codegen.cuda.toolchain.CudaCompiler;
import dev.javelin.codegen.cuda.toolchain.ModuleCache;
import dev.javelin.compiler.exec.ExecutorProgram;
import dev.javelin.dsl.train.Backend;
import dev.javelin.ir.graph.Graph;
import dev.javelin.passes.fuse.FusionVeto;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cuda.CudaContext;
import dev.javelin.runtime.cuda.CudaExecutor;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The CUDA backend for the trainer: one context on GPU 0; each graph compiled by the passes,
 * generated as CUDA C, compiled for the GPU's architecture and run by a {@link CudaExecutor} whose
 * device block keeps the parameters and optimizer state between steps.
 */
public final class CudaTrainerBackend implements Backend, AutoCloseable {
    private final CudaContext context;
    private final CudaCompiler compiler;
    private final ModuleCache cache;
    private final PassOptions options;
    private final Consumer<String> log;

    public CudaTrainerBackend(
            CudaContext context, CudaCompiler compiler, ModuleCache cache, PassOptions options, Consumer<String> log) {
        this.context = context;
        this.compiler = compiler;
        this.cache = cache;
        this.options = options;
        this.log = log;
    }

    /** On GPU 0 with the compiler and cache the flags choose, and the default passes. */
    public static CudaTrainerBackend open(Consumer<String> log) {
        CudaContext context = CudaContext.open();
        try {
            log.accept("CUDA device: " + context.device().describe());
            return new CudaTrainerBackend(
                    context,
                    CudaBackend.compiler(log),
                    CudaBackend.cache(),
                    PassOptions.defaults().withFusionVeto(FusionVeto.forTarget("cuda")),
                    log);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "cuda";
    }

    public String arch() {
        return context.device().arch();
    }

    @Override
    public Program prepare(Graph g, Map<String, Long> sizes) {
        Compilation c = Pipeline.compile(g, sizes, options);
        CudaExecutor ex =
                CudaBackend.compile(c.plan(), compiler, cache, arch(), log).executor(context);
        return new ExecutorProgram(ex, ex);
    }

    @Override
    public void close() {
        context.close();
    }
}
