package dev.javelin.codegen.cuda.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernels the harness tests run are real CUDA: nvcc compiles them, warnings as errors. */
class NvccContractTest {

    @Test
    void handWrittenKernelsCompileWithNvcc(@TempDir Path dir) throws IOException {
        HostProcess version;
        try {
            version = HostProcess.run(List.of("nvcc", "--version"), Map.of(), Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            version = null;
        }
        assumeTrue(version != null && version.exitCode() == 0, "no nvcc on PATH: the CUDA contract check is skipped");
        Path cu = dir.resolve("kernels.cu");
        Files.writeString(cu, HostHarness.resource("kernels.cu"));
        Path cubin = dir.resolve("kernels.cubin");
        HostProcess nvcc = HostProcess.run(
                List.of(
                        "nvcc",
                        "-arch=sm_80",
                        "-cubin",
                        "-Werror",
                        "all-warnings",
                        cu.toString(),
                        "-o",
                        cubin.toString()),
                Map.of(),
                Duration.ofMinutes(3));
        assertEquals(0, nvcc.exitCode(), "nvcc " + nvcc.ending() + ":\n" + nvcc.output());
        assertTrue(Files.size(cubin) > 0, "nvcc wrote an empty cubin");
    }
}
