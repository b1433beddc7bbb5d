package dev.javelin.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.codegen.cuda.toolchain.CudaCompilerUnavailableException;
import dev.javelin.runtime.cpu.CpuErrors;
import org.junit.jupiter.api.Test;

/**
 * Every error Javelin reports is a {@code JavelinException}, so the CLI prints its message as it is:
 * CUDA's and the runtime's too, which used to come out as "internal error".
 */
class ErrorLinesTest {
    @Test
    void cudaAndRuntimeErrorsPrintTheirMessage() {
        assertEquals(
                "no CUDA compiler can be used here",
                JavelinCli.describe(new CudaCompilerUnavailableException("no CUDA compiler can be used here")));
        assertEquals(
                "index 12 at position 3 of the indices of %y is out of range [0, 10)",
                JavelinCli.describe(CpuErrors.indexOutOfRange("%y", 12, 3, 10)));
    }

    @Test
    void anythingElseIsABug() {
        assertEquals(
                "internal error: java.lang.IllegalStateException: x (run with --debug for the stack trace, and please"
                        + " report it)",
                JavelinCli.describe(new IllegalStateException("x")));
    }
}
