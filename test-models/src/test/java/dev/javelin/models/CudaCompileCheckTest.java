package dev.javelin.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.codegen.cuda.CudaCodegen;
import dev.javelin.codegen.cuda.host.NvccCheck;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.graph.Graph;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cuda.CudaProgram;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every generated CUDA kernel of every test model (inference and training step with Adam, fused,
 * unfused and NHWC) compiles with {@code nvcc} for sm_80 and sm_90 with every warning an error,
 * and ptxas reports no register spills. The register and shared-memory use of every function goes
 * to {@code target/cuda-report.txt}. Skips (one line) where nvcc is not on PATH.
 */
class CudaCompileCheckTest {
    private static final Path OUT = Path.of("target", "cuda-check");
    private static final List<String> REPORT = new ArrayList<>();
    private static final Pattern ENTRY = Pattern.compile("Compiling entry function '(\\w+)' for '(sm_\\d+)'");
    private static final Pattern USED = Pattern.compile("Used (\\d+) registers.*?(\\d+) bytes smem");
    private static final Pattern SPILL = Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads");

    static Stream<Arguments> cases() {
        return ModelCases.all();
    }

    @AfterAll
    static void writeReport() throws IOException {
        if (!REPORT.isEmpty()) {
            Files.createDirectories(Path.of("target"));
            List<String> lines = new ArrayList<>();
            lines.add("# CUDA functions of the test models: model case, function, arch, registers, shared bytes");
            lines.addAll(REPORT);
            Files.write(Path.of("target", "cuda-report.txt"), lines);
        }
    }

    @ParameterizedTest(name = "{0} train={1} fused={2} layout={3}")
    @MethodSource("cases")
    void everyKernelCompilesWithNvccWithoutWarningsOrSpills(String model, boolean train, boolean fused, String layout)
            throws Exception {
        Assumptions.assumeTrue(NvccCheck.present(), "nvcc is not on PATH: the CUDA compile check is skipped");
        TrainingModel m = new TestModels().create(model);
        Trainer t = new Trainer(m, train ? Optimizer.adam() : Optimizer.sgd(), 3, null, Backend.INTERPRETER);
        Graph g = train ? t.trainGraph() : t.evalGraph();
        Compilation c = Pipeline.compile(g, Map.of("batch", 32L), ModelCases.cudaOptions(fused, layout));
        CudaProgram program = CudaCodegen.generate(c.plan());
        String name = model + "-" + (train ? "train" : "eval") + "-" + (fused ? "fused" : "unfused") + "-" + layout;
        Files.createDirectories(OUT);
        Path cu = OUT.resolve(name + ".cu");
        Files.writeString(cu, program.source());
        String log = NvccCheck.compile(cu, OUT.resolve(name + ".fatbin"), cu.toString());
        String function = "?";
        String arch = "?";
        int functions = 0;
        for (String line : log.split("\n")) {
            Matcher e = ENTRY.matcher(line);
            if (e.find()) {
                function = e.group(1);
                arch = e.group(2);
                functions++;
            }
            Matcher s = SPILL.matcher(line);
            if (s.find()) {
                assertTrue(
                        s.group(1).equals("0") && s.group(2).equals("0"),
                        function + " (" + arch + ") of " + cu + " spills registers: " + line.trim());
            }
            Matcher u = USED.matcher(line);
            if (u.find()) {
                synchronized (REPORT) {
                    REPORT.add(name + " " + function + " " + arch + " " + u.group(1) + " " + u.group(2));
                }
            }
        }
        assertEquals(
                2 * program.functions().size(), functions, "ptxas compiled every function for both archs:\n" + log);
    }
}
