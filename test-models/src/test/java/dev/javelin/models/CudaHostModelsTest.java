package dev.javelin.models;

import dev.javelin.codegen.cuda.host.HostHarness;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every test model (inference and training step, fused, unfused, NHWC; and an Adam step) generated
 * as CUDA and run on the CPU by the host-execution harness (every CUDA thread a real thread, real
 * barriers and warp shuffles), against the float64 interpreter. Grid-stride loops run with at most
 * 4 blocks here (threads then walk several elements each): the harness pays for every block, the
 * source is the same for any grid.
 */
class CudaHostModelsTest {
    private static final long HOST_GRID = 4;

    @BeforeAll
    static void needsTheHarness() {
        Assumptions.assumeTrue(
                HostHarness.available(), "the CUDA host harness cannot run here: " + HostHarness.unavailableReason());
    }

    static Stream<Arguments> cases() {
        return ModelCases.all();
    }

    @ParameterizedTest(name = "{0} train={1} fused={2} layout={3}")
    @MethodSource("cases")
    void generatedCudaMatchesTheGraphInterpreter(String model, boolean train, boolean fused, String layout) {
        CudaCases.matrixCase(model, train, fused, layout, HOST_GRID, CudaHostModelsTest::runner);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mnist-mlp", "lenet5", "transformer-block"})
    void anAdamStepMatchesTheGraphInterpreter(String model) {
        CudaCases.adamStep(model, HOST_GRID, CudaHostModelsTest::runner);
    }

    private static dev.javelin.runtime.cuda.KernelRunner runner(dev.javelin.runtime.cuda.CudaProgram p) {
        return HostHarness.compile(p.source()).runner(p.layout().memoryBytes());
    }
}
