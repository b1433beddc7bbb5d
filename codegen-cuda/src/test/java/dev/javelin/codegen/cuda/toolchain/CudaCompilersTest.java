package dev.javelin.codegen.cuda.toolchain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class CudaCompilersTest {
    private final List<String> log = new ArrayList<>();
    private final List<String> opened = new ArrayList<>();
    private final FakeCompiler nvcc = new FakeCompiler("nvcc (/fake/nvcc)", "13.0.88");

    private Supplier<CudaCompiler> failing(String choice, String reason) {
        return () -> {
            opened.add(choice);
            throw new CudaCompilerUnavailableException(reason);
        };
    }

    private Supplier<CudaCompiler> working(String choice, CudaCompiler compiler) {
        return () -> {
            opened.add(choice);
            return compiler;
        };
    }

    private List<CudaCompilers.Candidate> jcudaAndNvrtcFail() {
        return List.of(
                new CudaCompilers.Candidate("jcuda", failing("jcuda", "no libnvrtc.so.12")),
                new CudaCompilers.Candidate("nvrtc", () -> {
                    opened.add("nvrtc");
                    throw new UnsatisfiedLinkError("libnvrtc.so.13: wrong ELF class");
                }),
                new CudaCompilers.Candidate("nvcc", working("nvcc", nvcc)));
    }

    @Test
    void autoTakesTheFirstThatWorksAndLogsEachSkip() {
        CudaCompiler chosen = CudaCompilers.select("auto", jcudaAndNvrtcFail(), log::add);
        assertSame(nvcc, chosen);
        assertEquals(List.of("jcuda", "nvrtc", "nvcc"), opened);
        assertEquals(
                List.of(
                        "CUDA compiler jcuda skipped: no libnvrtc.so.12",
                        "CUDA compiler nvrtc skipped: UnsatisfiedLinkError: libnvrtc.so.13: wrong ELF class",
                        "CUDA compiler: nvcc (/fake/nvcc), version 13.0.88"),
                log);
    }

    @Test
    void autoStopsAtTheFirstThatWorks() {
        FakeCompiler jcuda = new FakeCompiler("nvrtc (JCuda 12.6.0)", "12.6");
        List<CudaCompilers.Candidate> candidates = List.of(
                new CudaCompilers.Candidate("jcuda", working("jcuda", jcuda)),
                new CudaCompilers.Candidate("nvrtc", working("nvrtc", nvcc)),
                new CudaCompilers.Candidate("nvcc", working("nvcc", nvcc)));
        assertSame(jcuda, CudaCompilers.select(" AUTO ", candidates, log::add));
        assertEquals(List.of("jcuda"), opened);
        assertEquals(List.of("CUDA compiler: nvrtc (JCuda 12.6.0), version 12.6"), log);
    }

    @Test
    void autoWithNothingWorkingGivesEveryReason() {
        List<CudaCompilers.Candidate> candidates = List.of(
                new CudaCompilers.Candidate("jcuda", failing("jcuda", "reason one")),
                new CudaCompilers.Candidate("nvrtc", failing("nvrtc", "reason two")),
                new CudaCompilers.Candidate("nvcc", failing("nvcc", "reason three")));
        CudaCompilerUnavailableException e = assertThrows(
                CudaCompilerUnavailableException.class, () -> CudaCompilers.select("auto", candidates, log::add));
        assertEquals(
                "no CUDA compiler can be used here; tried jcuda: reason one; nvrtc: reason two; nvcc: reason three."
                        + " Run scripts/install-nvrtc, or put CUDA's nvcc on PATH",
                e.getMessage());
        assertEquals(3, log.size());
    }

    @Test
    void anExplicitChoiceOpensOnlyThatOne() {
        assertSame(nvcc, CudaCompilers.select("nvcc", jcudaAndNvrtcFail(), log::add));
        assertEquals(List.of("nvcc"), opened);
        assertEquals(List.of("CUDA compiler: nvcc (/fake/nvcc), version 13.0.88"), log);
    }

    @Test
    void anExplicitChoiceThatDoesNotWorkFailsWithItsReason() {
        CudaCompilerUnavailableException e = assertThrows(
                CudaCompilerUnavailableException.class,
                () -> CudaCompilers.select("jcuda", jcudaAndNvrtcFail(), log::add));
        assertEquals("CUDA compiler 'jcuda' was asked for but cannot be used: no libnvrtc.so.12", e.getMessage());
        assertEquals(List.of("jcuda"), opened);
        assertEquals(List.of(), log);
    }

    @Test
    void anUnknownChoiceIsRefused() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> CudaCompilers.select("clang", jcudaAndNvrtcFail(), log::add));
        assertEquals(
                "CUDA compiler choice 'clang' (flag javelin.cuda.compiler) is not one of auto, jcuda, nvrtc, nvcc",
                e.getMessage());
        assertEquals(List.of(), opened);
    }

    /** On this machine's real compilers: whichever auto picks, the log names it, and skips come first. */
    @Test
    void autoOnThisMachineLogsTheChoice() {
        CudaCompiler chosen;
        try {
            chosen = CudaCompilers.select("auto", log::add);
        } catch (CudaCompilerUnavailableException e) {
            org.junit.jupiter.api.Assumptions.abort("skipped: no CUDA compiler on this machine: " + e.getMessage());
            return;
        }
        String last = log.getLast();
        assertEquals("CUDA compiler: " + chosen.name() + ", version " + chosen.version(), last);
        log.subList(0, log.size() - 1).forEach(line -> assertTrue(line.startsWith("CUDA compiler "), line));
        CudaTestKernels.assertCubin(chosen.compile(CudaTestKernels.SUM, "sum.cu", "sm_90"));
    }

    /**
     * JCuda 12.6's NVRTC needs libnvrtc.so.12. Where it loads, it must compile; where it does not
     * (CUDA 13 only, or no CUDA), the reason is one clean line that says what failed.
     */
    @Test
    void jcudaEitherCompilesOrGivesACleanReason() {
        NvrtcCompiler jcuda;
        try {
            jcuda = NvrtcCompiler.jcuda();
        } catch (CudaCompilerUnavailableException e) {
            String reason = e.getMessage();
            assertTrue(reason.startsWith("JCuda 12.6.0 could not load its NVRTC binding"), reason);
            assertTrue(reason.contains("UnsatisfiedLinkError"), reason);
            assertEquals(1, reason.lines().count(), reason);
            CudaCompilerUnavailableException again =
                    assertThrows(CudaCompilerUnavailableException.class, NvrtcCompiler::jcuda);
            assertEquals(reason, again.getMessage(), "a second try reports the first reason");
            CudaCompilerUnavailableException chosen = assertThrows(
                    CudaCompilerUnavailableException.class,
                    () -> CudaCompilers.select("jcuda", Optional.empty(), Optional.empty(), log::add));
            assertEquals("CUDA compiler 'jcuda' was asked for but cannot be used: " + reason, chosen.getMessage());
            return;
        }
        assertTrue(jcuda.name().startsWith("nvrtc (JCuda "), jcuda.name());
        CudaTestKernels.assertPtx(jcuda.compile(CudaTestKernels.SUM, "sum.cu", "compute_80"), "sm_80");
        CudaTestKernels.assertCubin(jcuda.compile(CudaTestKernels.SUM, "sum.cu", "sm_80"));
        assertThrows(CudaCompileException.class, () -> jcuda.compile(CudaTestKernels.BROKEN, "b.cu", "sm_80"));
    }
}
