package dev.javelin.compiler.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.codegen.cuda.toolchain.CudaCompilerUnavailableException;
import dev.javelin.codegen.cuda.toolchain.CudaCompilers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The processor runs inside javac with this module's dependencies and nothing more: no command
 * line, no charts, no JCuda. Its tests run on the same class path, so what is missing here is
 * missing on a user's processor path too.
 */
class ProcessorClassPathTest {
    @Test
    void carriesNoCommandLineChartsOrJcuda() {
        for (String absent : List.of("picocli.CommandLine", "org.jfree.chart.JFreeChart", "jcuda.Pointer")) {
            assertThrows(
                    ClassNotFoundException.class,
                    () -> Class.forName(absent, false, getClass().getClassLoader()),
                    absent + " is on the processor's class path");
        }
    }

    @Test
    void theJcudaCompilerSaysWhyItCannotBeUsed() {
        List<String> log = new ArrayList<>();
        CudaCompilerUnavailableException e =
                assertThrows(CudaCompilerUnavailableException.class, () -> CudaCompilers.select("jcuda", log::add));
        assertEquals(
                "CUDA compiler 'jcuda' was asked for but cannot be used: JCuda is not on the class path (the @Model"
                        + " processor carries none; the CLI and the CUDA runtime do)",
                e.getMessage());
    }
}
