package dev.javelin.codegen.cuda.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The nvcc executable (skipped where there is none). */
class NvccCompilerTest {
    @ParameterizedTest
    @ValueSource(strings = {"80", "90"})
    void compilesPtxForComputeTargets(String sm) {
        NvccCompiler nvcc = CudaTestKernels.nvccOrSkip();
        CompiledModule module = nvcc.compile(CudaTestKernels.SUM, "sum.cu", "compute_" + sm);
        CudaTestKernels.assertPtx(module, "sm_" + sm);
        assertEquals(nvcc.describe(), module.compiler());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sm_80", "sm_90"})
    void compilesCubinForSmTargets(String arch) {
        NvccCompiler nvcc = CudaTestKernels.nvccOrSkip();
        CompiledModule module = nvcc.compile(CudaTestKernels.SUM, "sum.cu", arch);
        CudaTestKernels.assertCubin(module);
        assertEquals(arch, module.arch());
    }

    @Test
    void namesTheExecutableAndItsRelease() {
        NvccCompiler nvcc = CudaTestKernels.nvccOrSkip();
        assertTrue(nvcc.name().matches("nvcc \\(/.*nvcc\\)"), nvcc.name());
        assertTrue(nvcc.version().matches("1[1-9]\\.\\d+\\.\\d+"), nvcc.version());
    }

    @Test
    void aBrokenKernelShowsTheLineInErrorUnderTheCallersFileName() {
        NvccCompiler nvcc = CudaTestKernels.nvccOrSkip();
        CudaCompileException e = assertThrows(
                CudaCompileException.class,
                () -> nvcc.compile(CudaTestKernels.BROKEN, "generated/model.cu", "sm_80", List.of("-lineinfo")));
        String message = e.getMessage();
        assertTrue(message.startsWith(nvcc.describe() + " could not compile generated/model.cu for sm_80"), message);
        assertTrue(
                message.contains("generated/model.cu(4): error: identifier \"undeclared_value\" is undefined"),
                message);
        assertTrue(message.contains("  > 4 |     x[i] = undeclared_value * 2.0f;"), message);
        assertTrue(message.contains("    3 |     int i = threadIdx.x;"), message);
    }

    /** The JDK fixes its temp folder at start-up, so the check compares that folder's javelin-nvcc-* entries. */
    @Test
    void leavesNoTemporaryFilesBehind() throws IOException {
        NvccCompiler nvcc = CudaTestKernels.nvccOrSkip();
        Set<Path> before = nvccTempDirs();
        nvcc.compile(CudaTestKernels.SUM, "sum.cu", "compute_90");
        nvcc.compile(CudaTestKernels.SUM, "sum.cu", "sm_90");
        assertThrows(CudaCompileException.class, () -> nvcc.compile(CudaTestKernels.BROKEN, "b.cu", "sm_90"));
        assertEquals(before, nvccTempDirs());
    }

    private static Set<Path> nvccTempDirs() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(p -> p.getFileName().toString().startsWith("javelin-nvcc-"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void aMissingExecutableIsRefusedSayingSo(@TempDir Path tmp) {
        Path missing = tmp.resolve("nvcc");
        CudaCompilerUnavailableException e =
                assertThrows(CudaCompilerUnavailableException.class, () -> NvccCompiler.open(Optional.of(missing)));
        assertEquals(missing + " is not an executable file", e.getMessage());
    }
}
