package dev.javelin.compiler.cuda;

import dev.javelin.codegen.cuda.CudaCodegen;
import dev.javelin.codegen.cuda.toolchain.CompiledModule;
import dev.javelin.codegen.cuda.toolchain.CudaCompiler;
import dev.javelin.codegen.cuda.toolchain.CudaCompilers;
import dev.javelin.codegen.cuda.toolchain.ModuleCache;
import dev.javelin.ir.config.Flags;
import dev.javelin.ir.plan.Plan;
import dev.javelin.runtime.cuda.CudaContext;
import dev.javelin.runtime.cuda.CudaExecutor;
import dev.javelin.runtime.cuda.CudaProgram;
import dev.javelin.runtime.cuda.JCudaRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The CUDA backend's compile step: plan → CUDA C ({@link CudaCodegen}) → a module for one GPU
 * architecture, through the chosen CUDA compiler and the module cache ({@code javelin.cuda.*}
 * flags). The result makes executors on a CUDA context; the generated source can also be dumped
 * with its launch manifest ({@code javelin.cuda.dump}).
 */
public final class CudaBackend {
    private CudaBackend() {}

    /** A compiled program: the generated program and its module. */
    public record Compiled(CudaProgram program, CompiledModule module) {
        /** A new executor: one device block for this program on {@code context}, constants written. */
        public CudaExecutor executor(CudaContext context) {
            return new CudaExecutor(
                    program,
                    JCudaRunner.create(
                            context,
                            module.image(),
                            program.functions(),
                            program.layout().memoryBytes()));
        }
    }

    /** The compiler the flags choose ({@code javelin.cuda.compiler}, {@code javelin.cuda.nvrtc}). */
    public static CudaCompiler compiler(Consumer<String> log) {
        String nvrtc = Flags.CUDA_NVRTC.get();
        return CudaCompilers.select(
                Flags.CUDA_COMPILER.get(),
                nvrtc.isBlank() ? Optional.empty() : Optional.of(Path.of(nvrtc)),
                Optional.empty(),
                log);
    }

    /** The module cache the flags choose ({@code javelin.cuda.cache}). */
    public static ModuleCache cache() {
        return ModuleCache.fromSetting(Flags.CUDA_CACHE.get());
    }

    /** Generates {@code plan}'s CUDA program and compiles it for {@code arch} (e.g. {@code sm_90}). */
    public static Compiled compile(
            Plan plan, CudaCompiler compiler, ModuleCache cache, String arch, Consumer<String> log) {
        CudaProgram program = CudaCodegen.generate(plan);
        dump(plan.name(), program, log);
        CompiledModule module =
                cache.getOrCompile(compiler, program.source(), plan.name() + ".cu", arch, List.of(), log);
        return new Compiled(program, module);
    }

    private static void dump(String name, CudaProgram program, Consumer<String> log) {
        String dir = Flags.CUDA_DUMP.get();
        if (dir.isBlank()) {
            return;
        }
        try {
            Path d = Files.createDirectories(Path.of(dir));
            Files.writeString(d.resolve(name + ".cu"), program.source());
            Files.writeString(d.resolve(name + ".launches.txt"), Manifest.text(program));
            log.accept("CUDA source of plan " + name + " written to " + d.resolve(name + ".cu"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the CUDA dump into " + dir, e);
        }
    }
}
