package dev.javelin.codegen.cuda.host;

import static dev.javelin.codegen.cuda.host.TestKernels.header;
import static dev.javelin.codegen.cuda.host.TestKernels.launch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the harness reports instead of running, hanging or crashing silently. */
class HostMisuseTest {
    private static final HostRunner.Limits QUICK =
            new HostRunner.Limits(Duration.ofSeconds(60), Duration.ofMillis(500));

    @Test
    void unknownKernelNamesTheKernelsTheProgramHas() {
        try (HostRunner runner = TestKernels.kernels().runner(256, QUICK)) {
            var launches = List.of(launch("row_sum", 1, 1, 32, 1, 0), launch("no_such_kernel", 1, 1, 32, 1, 0));
            var error = assertThrows(IllegalStateException.class, () -> runner.launch(launches));
            assertTrue(error.getMessage().contains("line 2: unknown kernel 'no_such_kernel'"), error.getMessage());
            assertTrue(error.getMessage().contains("this program has: pointwise_affine, row_sum"), error.getMessage());
        }
    }

    @Test
    void moreThan1024ThreadsPerBlockIsRefused() {
        try (HostRunner runner = TestKernels.kernels().runner(256, QUICK)) {
            var launches = List.of(launch("butterfly", 1, 1, 64, 32, 0));
            var error = assertThrows(IllegalStateException.class, () -> runner.launch(launches));
            assertTrue(
                    error.getMessage().contains("2048 threads per block; CUDA allows at most 1024"),
                    error.getMessage());
        }
    }

    @Test
    void deadlockIsReportedWithKernelAndBlock() {
        try (HostRunner runner = TestKernels.misuse().runner(2 * 64 * 4, QUICK)) {
            var launches = List.of(launch("split_barrier", 2, 1, 64, 1, 0));
            var error = assertThrows(IllegalStateException.class, () -> runner.launch(launches));
            assertTrue(error.getMessage().contains("exited with status 3"), error.getMessage());
            assertTrue(error.getMessage().contains("deadlock"), error.getMessage());
            assertTrue(
                    error.getMessage().contains("split_barrier (grid 2x1x1, block 64x1x1), block (1,0,0)"),
                    error.getMessage());
        }
    }

    @Test
    void crashNamesTheSignalAndTheBlock() {
        try (HostRunner runner = TestKernels.misuse().runner(256, QUICK)) {
            header(runner, 16);
            var error = assertThrows(
                    IllegalStateException.class, () -> runner.launch(List.of(launch("wild_store", 1, 1, 32, 1, 0))));
            assertTrue(error.getMessage().contains("died of SIGSEGV"), error.getMessage());
            assertTrue(error.getMessage().contains("SIGSEGV while running wild_store"), error.getMessage());
        }
    }

    @Test
    void compileErrorsCarryGccsMessage() {
        assumeTrue(HostHarness.available(), HostHarness.unavailableReason());
        String source = "extern \"C\" __global__ void broken(char* m) { undeclared_helper(m); }\n";
        var error = assertThrows(IllegalArgumentException.class, () -> HostHarness.compile(source));
        assertTrue(error.getMessage().contains("'undeclared_helper' was not declared"), error.getMessage());
    }

    @Test
    void dynamicSharedDeclarationsBecomeTheShimsMacro() {
        assertEquals(
                "{ JAVELIN_DYNAMIC_SHARED(unsigned int, s); }",
                HostHarness.hostSource("{ extern __shared__ __align__(16) unsigned int s[]; }"));
        var error = assertThrows(
                IllegalArgumentException.class, () -> HostHarness.hostSource("extern __shared__ float s[64];\n"));
        assertTrue(error.getMessage().contains("not: extern __shared__ float s[64];"), error.getMessage());
    }

    @Test
    void blockAccessOutsideTheMemoryIsRefused() {
        try (HostRunner runner = TestKernels.kernels().runner(256, QUICK)) {
            var error = assertThrows(IndexOutOfBoundsException.class, () -> runner.write(250, new byte[8], 0, 8));
            assertEquals("write of 8 bytes at offset 250 leaves the 256-byte memory block", error.getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> runner.copy(0, 200, 100));
        }
    }
}
