package dev.javelin.codegen.cuda.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The CUDA compile check the tests share: {@code nvcc} builds a fat binary for sm_80 and sm_90 with
 * every warning an error and ptxas reporting each function's registers and spills ({@code -v}).
 */
public final class NvccCheck {
    private NvccCheck() {}

    /** Whether {@code nvcc} runs here (tests skip with one line where it does not). */
    public static boolean present() {
        try {
            Process p = new ProcessBuilder("nvcc", "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Compiles {@code cu} into {@code fatbin}, asserting that nvcc finishes, succeeds and warns about
     * nothing; returns its log (ptxas's per-function lines included) for the caller's checks.
     * {@code what} names the source in failure messages.
     */
    public static String compile(Path cu, Path fatbin, String what) throws IOException, InterruptedException {
        List<String> cmd = List.of(
                "nvcc",
                "-fatbin",
                "-gencode",
                "arch=compute_80,code=sm_80",
                "-gencode",
                "arch=compute_90,code=sm_90",
                "-Werror",
                "all-warnings",
                "-Xptxas",
                "-v",
                "-o",
                fatbin.toString(),
                cu.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nvcc did not finish in 5 minutes on " + what);
        assertEquals(0, p.exitValue(), "nvcc failed on " + what + ":\n" + log);
        assertFalse(log.contains("warning"), "nvcc warned on " + what + ":\n" + log);
        return log;
    }
}
