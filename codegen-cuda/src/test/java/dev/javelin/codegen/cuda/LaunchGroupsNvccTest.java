package dev.javelin.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.codegen.cuda.host.NvccCheck;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.runtime.cuda.CudaProgram;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Assumptions.assumeTrue(NvccCheck.present(), "nvcc is not on PATH: the CUDA compile check is skipped");
        CudaProgram program = CudaCodegen.generate(PlanParser.parse(
                (String) GroupPlans.class.getDeclaredField(name).get(null)));
        Path cu = Files.writeString(dir.resolve(name + ".cu"), program.source());
        String log = NvccCheck.compile(cu, dir.resolve(name + ".fatbin"), name + ":\n" + program.source());
        Matcher m = SPILL.matcher(log);
        while (m.find()) {
            assertTrue(m.group(1).equals("0") && m.group(2).equals("0"), name + " spills registers:\n" + log);
        }
    }
}
