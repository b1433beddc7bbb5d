package dev.javelin.models;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cases the GPU check runs under compute-sanitizer (memcheck, racecheck): few enough to finish
 * under the tools, yet every kernel template: pointwise, row and column reductions, the tiled GEMM
 * (training steps), convolutions, their gradients and pooling (lenet5), attention (transformer).
 */
class CudaSanitizeGpuTest {
    @BeforeAll
    static void open() {
        CudaModelsGpuTest.open();
    }

    @AfterAll
    static void close() {
        CudaModelsGpuTest.close();
    }

    @ParameterizedTest(name = "{0} train={1} fused={2} layout={3}")
    @CsvSource({
        "mnist-mlp, true, true, as-written",
        "lenet5, true, true, as-written",
        "lenet5, true, true, nhwc",
        "transformer-block, true, true, as-written"
    })
    void underTheSanitizer(String model, boolean train, boolean fused, String layout) {
        CudaCases.matrixCase(
                model, train, fused, layout, dev.javelin.codegen.cuda.CudaCodegen.MAX_GRID, CudaModelsGpuTest::runner);
    }
}
