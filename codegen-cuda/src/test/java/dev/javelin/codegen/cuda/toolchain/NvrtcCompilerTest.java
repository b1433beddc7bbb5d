package dev.javelin.codegen.cuda.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** NVRTC through java.lang.foreign on a real libnvrtc (skipped without one: run scripts/install-nvrtc). */
class NvrtcCompilerTest {
    @ParameterizedTest
    @ValueSource(strings = {"80", "90"})
    void compilesPtxForComputeTargets(String sm) {
        NvrtcCompiler nvrtc = CudaTestKernels.foreignNvrtcOrSkip();
        CompiledModule module = nvrtc.compile(CudaTestKernels.SUM, "sum.cu", "compute_" + sm);
        CudaTestKernels.assertPtx(module, "sm_" + sm);
        assertEquals("compute_" + sm, module.arch());
        assertEquals(nvrtc.describe(), module.compiler());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sm_80", "sm_90"})
    void compilesCubinForSmTargets(String arch) {
        NvrtcCompiler nvrtc = CudaTestKernels.foreignNvrtcOrSkip();
        CompiledModule module = nvrtc.compile(CudaTestKernels.SUM, "sum.cu", arch);
        CudaTestKernels.assertCubin(module);
        assertEquals(arch, module.arch());
        assertTrue(module.compileMillis() >= 0);
    }

    @Test
    void namesTheLibraryAndItsVersion() {
        NvrtcCompiler nvrtc = CudaTestKernels.foreignNvrtcOrSkip();
        assertTrue(
                nvrtc.name().matches("nvrtc \\(java\\.lang\\.foreign, /.*libnvrtc\\.so\\.\\d+(\\.\\d+)*\\)"),
                nvrtc.name());
        assertTrue(nvrtc.version().matches("1[1-9]\\.\\d+"), nvrtc.version());
        assertTrue(nvrtc.name().contains("libnvrtc.so." + nvrtc.version().split("\\.")[0]), nvrtc.name());
    }

    @Test
    void passesTheCallersOptions() {
        NvrtcCompiler nvrtc = CudaTestKernels.foreignNvrtcOrSkip();
        String source = """
                #ifndef JAVELIN_SCALE
                #error JAVELIN_SCALE must be defined
                #endif
                extern "C" __global__ void k(char* m) { reinterpret_cast<float*>(m)[0] = JAVELIN_SCALE; }
                """;
        assertThrows(CudaCompileException.class, () -> nvrtc.compile(source, "opts.cu", "compute_90"));
        CompiledModule module =
                nvrtc.compile(source, "opts.cu", "compute_90", List.of("-DJAVELIN_SCALE=3.0f", "-lineinfo"));
        assertTrue(module.ptx().contains(".loc"), "-lineinfo puts .loc lines into the PTX");
    }

    @Test
    void aBrokenKernelShowsTheLineInError() {
        NvrtcCompiler nvrtc = CudaTestKernels.foreignNvrtcOrSkip();
        CudaCompileException e = assertThrows(
                CudaCompileException.class, () -> nvrtc.compile(CudaTestKernels.BROKEN, "broken.cu", "sm_90"));
        String message = e.getMessage();
        assertTrue(message.startsWith(nvrtc.describe() + " could not compile broken.cu for sm_90"), message);
        assertTrue(message.contains("NVRTC_ERROR_COMPILATION"), message);
        assertTrue(message.contains("broken.cu(4): error: identifier \"undeclared_value\" is undefined"), message);
        assertTrue(message.contains("  > 4 |     x[i] = undeclared_value * 2.0f;"), message);
        assertTrue(message.contains("    2 |     float* x = reinterpret_cast<float*>(m);"), message);
        assertTrue(message.contains("    6 | }"), message);
        assertTrue(e.compilerLog().contains("undeclared_value"), e.compilerLog());
        assertEquals("sm_90", e.arch());
    }

    @Test
    void aWarningIsKeptInTheLog() {
        NvrtcCompiler nvrtc = CudaTestKernels.foreignNvrtcOrSkip();
        String source = """
                extern "C" __global__ void k(char* m) { int unused = 1; m[0] = 0; }
                """;
        CompiledModule module = nvrtc.compile(source, "warn.cu", "sm_90");
        assertTrue(module.log().contains("warn.cu(1): warning"), module.log());
    }

    @Test
    void anExplicitPathWithoutLibnvrtcIsRefusedSayingSo() {
        CudaCompilerUnavailableException e = assertThrows(
                CudaCompilerUnavailableException.class,
                () -> NvrtcCompiler.foreign(Optional.of(java.nio.file.Path.of("/nonexistent/nvrtc"))));
        assertEquals(
                "the given NVRTC path (flag javelin.cuda.nvrtc) /nonexistent/nvrtc does not exist", e.getMessage());
    }
}
