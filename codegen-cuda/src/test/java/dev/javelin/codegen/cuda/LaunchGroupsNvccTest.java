package dev.javelin.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.plan.PlanParser;
import dev.javelin.runtime.cuda.CudaProgram;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The grouped launches of {@link GroupPlans} are real CUDA: nvcc compiles them for sm_80 and sm_90
 * with every warning an error, and ptxas spills no register. Skips where nvcc is not on PATH.
 */
class LaunchGroupsNvccTest {
    private static final Pattern SPILL = Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads");

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "EPILOGUE",
                "EPILOGUE_BATCHED_KEPT",
                "EPILOGUE_TRANSPOSED",
                "ROWS",
                "ROWS_ACROSS",
                "RANGES",
                "WINDOWS"
            })
    void compilesWithoutWarningsOrSpills(String name, @TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(nvccPresent(), "nvcc is not on PATH: the CUDA compile check is skipped");
        CudaProgram program = CudaCodegen.generate(PlanParser.parse(
                (String) GroupPlans.class.getDeclaredField(name).get(null)));
        Path cu = Files.writeString(dir.resolve(name + ".cu"), program.source());
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
                dir.resolve(name + ".fatbin").toString(),
                cu.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "nvcc did not finish in 5 minutes");
        assertEquals(0, p.exitValue(), "nvcc failed on " + name + ":\n" + log + "\n" + program.source());
        assertFalse(log.contains("warning"), "nvcc warned on " + name + ":\n" + log);
        Matcher m = SPILL.matcher(log);
        while (m.find()) {
            assertTrue(m.group(1).equals("0") && m.group(2).equals("0"), name + " spills registers:\n" + log);
        }
    }

    private static boolean nvccPresent() {
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
}
