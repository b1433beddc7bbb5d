package dev.javelin.codegen.cuda.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The error text of CudaCompileException, and the checks on targets, requests and modules. */
class CompileErrorsTest {
    private static final String SOURCE = String.join(
            "\n", "// 1", "// 2", "// 3", "// 4", "// 5", "// 6", "// 7", "// 8", "// 9", "// 10", "// 11", "// 12");

    private static String message(String fileName, String log) {
        CompileRequest request = CompileRequest.of(SOURCE, fileName, "sm_90", List.of());
        return new CudaCompileException("nvrtc (test) 13.0", request, "it failed", log).getMessage();
    }

    @Test
    void showsTwoLinesEachSideOfEveryErrorNumberedAndMarked() {
        String log = "k.cu(1): error: first\nk.cu(10): warning: not shown\nk.cu(10): catastrophic error: last\n";
        assertEquals("""
                nvrtc (test) 13.0 could not compile k.cu for sm_90: it failed
                compiler log:
                  k.cu(1): error: first
                  k.cu(10): warning: not shown
                  k.cu(10): catastrophic error: last

                k.cu(1): error: first
                  > 1 | // 1
                    2 | // 2
                    3 | // 3

                k.cu(10): catastrophic error: last
                     8 | // 8
                     9 | // 9
                  > 10 | // 10
                    11 | // 11
                    12 | // 12""", message("k.cu", log));
    }

    @Test
    void errorsInOtherFilesOrOutsideTheSourceGetNoContext() {
        String message = message("k.cu", "cuda_fp16.h(5): error: in a header\nk.cu(99): error: past the end\n");
        assertTrue(
                message.endsWith(
                        "compiler log:\n  cuda_fp16.h(5): error: in a header\n  k.cu(99): error: past the end"),
                message);
    }

    @Test
    void nvccPathsMatchTheFileName() {
        String message = message("k.cu", "/tmp/javelin-nvcc-1/k.cu(6): error: x\n");
        assertTrue(message.contains("\n  > 6 | // 6\n"), message);
    }

    @Test
    void anEmptyLogSaysSo() {
        assertEquals(
                "nvrtc (test) 13.0 could not compile k.cu for sm_90: it failed\ncompiler log: (empty)",
                message("k.cu", ""));
    }

    @Test
    void atMostTenErrorsAreShownWithSource() {
        String log = "k.cu(3): error: again\n".repeat(12);
        String message = message("k.cu", log);
        assertEquals(10, message.split("> 3 \\|", -1).length - 1, message);
        assertTrue(message.endsWith("(2 more errors; see the log above)"), message);
    }

    @Test
    void targetsAreChecked() {
        assertEquals(CompiledModule.Kind.CUBIN, new CudaArch("sm_90").kind());
        assertEquals(CompiledModule.Kind.CUBIN, new CudaArch("sm_90a").kind());
        assertEquals(CompiledModule.Kind.PTX, new CudaArch("compute_80").kind());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CudaArch("sm90"));
        assertEquals(
                "CUDA architecture 'sm90' is not valid: expected sm_<NN> for a cubin (e.g. sm_90) or"
                        + " compute_<NN> for PTX only (e.g. compute_90)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CudaArch("-arch=sm_90"));
    }

    @Test
    void requestsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> CompileRequest.of(null, "k.cu", "sm_90", List.of()));
        assertThrows(IllegalArgumentException.class, () -> CompileRequest.of("", " ", "sm_90", List.of()));
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CompileRequest.of("", "k.cu", "sm_90", List.of("-lineinfo", " ")));
        assertEquals("options of k.cu hold a null or blank option: [-lineinfo,  ]", e.getMessage());
    }

    @Test
    void modulesAreCheckedAndKeepTheirOwnBytes() {
        byte[] ptx = CompiledModule.nulTerminated(".target sm_90\n".getBytes(StandardCharsets.US_ASCII));
        CompiledModule module = new CompiledModule(ptx, CompiledModule.Kind.PTX, "compute_90", "c 1", "", 3);
        ptx[0] = 'X';
        module.image()[1] = 'X';
        assertEquals(".target sm_90\n", module.ptx());
        assertEquals(
                CompiledModule.nulTerminated(ptx).length,
                CompiledModule.nulTerminated(CompiledModule.nulTerminated(ptx)).length);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new CompiledModule(new byte[] {'.', 't'}, CompiledModule.Kind.PTX, "compute_90", "c 1", "", 3));
        assertTrue(e.getMessage().contains("does not end with a NUL"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new CompiledModule(new byte[] {1, 2, 3, 4}, CompiledModule.Kind.CUBIN, "sm_90", "c 1", "", 3));
        assertEquals("cubin image for sm_90 from c 1 does not start with the ELF magic 7f 45 4c 46", e.getMessage());
        assertThrows(
                IllegalStateException.class,
                () -> new CompiledModule(
                                new byte[] {0x7f, 'E', 'L', 'F'}, CompiledModule.Kind.CUBIN, "sm_90", "c 1", "", 3)
                        .ptx());
    }
}
