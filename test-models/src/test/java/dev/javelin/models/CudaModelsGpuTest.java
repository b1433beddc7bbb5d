package dev.javelin.models;

import dev.javelin.codegen.cuda.toolchain.CompiledModule;
import dev.javelin.codegen.cuda.toolchain.CudaCompiler;
import dev.javelin.codegen.cuda.toolchain.ModuleCache;
import dev.javelin.compiler.cuda.CudaBackend;
import dev.javelin.runtime.cuda.CudaContext;
import dev.javelin.runtime.cuda.CudaProgram;
import dev.javelin.runtime.cuda.GpuTests;
import dev.javelin.runtime.cuda.JCudaRunner;
import dev.javelin.runtime.cuda.KernelRunner;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole-model CUDA checks on a real GPU: every test model (inference and training step, fused,
 * unfused, NHWC; and an Adam step) compiled by the CUDA compiler the flags choose (NVRTC where
 * present), run on GPU 0, compared with the float64 interpreter. Skips without a GPU, fails then
 * under {@code javelin.gpu.required=true} (the GPU check).
 */
class CudaModelsGpuTest {
    private static CudaContext context;
    private static CudaCompiler compiler;

    @BeforeAll
    static void open() {
        GpuTests.requireGpu();
        context = CudaContext.open();
        compiler = CudaBackend.compiler(System.out::println);
    }

    @AfterAll
    static void close() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    static Stream<Arguments> cases() {
        return ModelCases.all();
    }

    @ParameterizedTest(name = "{0} train={1} fused={2} layout={3}")
    @MethodSource("cases")
    void generatedCudaMatchesTheGraphInterpreterOnTheGpu(String model, boolean train, boolean fused, String layout) {
        CudaCases.matrixCase(
                model, train, fused, layout, dev.javelin.codegen.cuda.CudaCodegen.MAX_GRID, CudaModelsGpuTest::runner);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mnist-mlp", "lenet5", "transformer-block"})
    void anAdamStepMatchesTheGraphInterpreterOnTheGpu(String model) {
        CudaCases.adamStep(model, dev.javelin.codegen.cuda.CudaCodegen.MAX_GRID, CudaModelsGpuTest::runner);
    }

    static KernelRunner runner(CudaProgram p) {
        CompiledModule m = ModuleCache.off()
                .getOrCompile(
                        compiler,
                        p.source(),
                        p.layout().name() + ".cu",
                        context.device().arch(),
                        List.of(),
                        s -> {});
        return JCudaRunner.create(context, m.image(), p.functions(), p.layout().memoryBytes());
    }
}
