package dev.javelin.compiler.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.aot.AotJavac.Result;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.runtime.ProgramLayout;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.tools.Diagnostic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code @Model} processor inside a real javac run (javax.tools, this test's class path): a
 * valid model compiles into kernels and a facade whose forward pass matches the plan interpreter;
 * a shape mismatch, an unsupported construct and a missing input shape are javac errors at the
 * asserted line and column, and javac never crashes.
 */
class ModelProcessorTest {
    @TempDir
    Path dir;

    private static final String HEADER = """
            package demo;

            import dev.javelin.annotations.Input;
            import dev.javelin.annotations.Model;
            import dev.javelin.dsl.Net;
            import dev.javelin.dsl.Tensor;
            import dev.javelin.dsl.nn.Linear;

            """;

    private static final String MLP = HEADER + """
            @Model(inputs = @Input(name = "x", shape = {"batch", "12"}), batch = 3)
            final class Mlp {
                static Tensor forward(Net nn, Tensor x) {
                    int hidden = 2 * 4;
                    Tensor h = x;
                    for (int i = 0; i < 2; i++) {
                        h = nn.module("fc" + i, new Linear(i == 0 ? 12 : hidden, hidden)).forward(h).relu();
                    }
                    return head(nn, h, hidden);
                }

                static Tensor head(Net nn, Tensor h, int width) {
                    return nn.module("out", new Linear(width, 5)).forward(h);
                }
            }
            """;

    private Result compile(String className, String source, String... extra) throws Exception {
        return compileIn(dir, className, source, extra);
    }

    private static Result compileIn(Path dir, String className, String source, String... extra) throws Exception {
        return AotJavac.compile(dir, Map.of(className, source), extra);
    }

    @Test
    void aValidModelCompilesToKernelsAndAFacadeThatMatchesThePlanInterpreter() throws Exception {
        Result r = compile("Mlp", MLP);
        assertTrue(r.ok(), r.errors());
        // The processor's timing note, for the record (tests never assert a time).
        r.diagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.NOTE)
                .forEach(d -> System.out.println("ModelProcessorTest: " + d.getMessage(Locale.ROOT)));
        assertTrue(Files.exists(r.classes().resolve("demo/MlpModel.class")));
        assertTrue(Files.exists(r.classes().resolve("demo/MlpKernels.class")));
        assertTrue(Files.exists(r.classes().resolve("demo/Mlp.cu")));
        Plan plan = PlanParser.parse(Files.readString(r.classes().resolve("demo/Mlp.plan")));
        try (URLClassLoader loader = new URLClassLoader(
                new URL[] {r.classes().toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> facade = loader.loadClass("demo.MlpModel");
            Method forward = facade.getMethod("forward", float[].class);
            assertEquals(float[].class, forward.getReturnType());
            ProgramLayout layout = (ProgramLayout) facade.getMethod("layout").invoke(null);
            // The facade's literals carry each kernel's FLOPs and bytes moved, as the plan counts them.
            assertEquals(
                    plan.kernels().stream()
                            .map(k -> k.name() + " flops=" + k.flops() + " bytes=" + (k.bytesRead() + k.bytesWritten()))
                            .toList(),
                    layout.kernels().stream()
                            .map(k -> k.name() + " flops=" + k.flops() + " bytes=" + k.bytes())
                            .toList());
            assertEquals(
                    plan.kernels().stream()
                            .filter(k -> !plan.isLoadTime(k))
                            .mapToLong(k -> k.bytesRead() + k.bytesWritten())
                            .sum(),
                    layout.stepBytes());
            Map<String, NdArray> feeds = new HashMap<>();
            Random random = new Random(5);
            try (AutoCloseable model = (AutoCloseable) facade.getConstructor().newInstance()) {
                Method set = facade.getMethod("setParameter", String.class, float[].class);
                for (ProgramLayout.Bind b : layout.bindings("parameter")) {
                    float[] v = values(random, layout.slot(b.buffer()).numel());
                    set.invoke(model, b.name(), v);
                    feeds.put(b.name(), array(v, layout.slot(b.buffer()).shape()));
                }
                float[] x = values(random, 3 * 12);
                feeds.put("x", array(x, new long[] {3, 12}));
                float[] got = (float[]) forward.invoke(model, (Object) x);
                Interpreter.Result want = PlanInterpreter.run(plan, feeds);
                NdArray out = want.outputs().get("output");
                assertEquals(out.size(), got.length);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(out.get(i), got[i], 1e-4 * (1 + Math.abs(out.get(i))), "output[" + i + "]");
                }
            }
        }
    }

    @Test
    void aFiveHundredIterationLoopCompilesInsideJavac() throws Exception {
        // 1,000 fused pointwise ops: once a StackOverflowError in the code generator that killed javac
        String source = HEADER + """
                @Model(inputs = @Input(name = "x", shape = {"batch", "12"}), batch = 2)
                final class Deep {
                    static Tensor forward(Net nn, Tensor x) {
                        Tensor h = nn.module("fc", new Linear(12, 4)).forward(x);
                        for (int i = 0; i < 500; i++) {
                            h = h.tanh().mul(1.5);
                        }
                        return h;
                    }
                }
                """;
        Result r = compile("Deep", source);
        assertTrue(r.ok(), r.errors());
        assertTrue(Files.exists(r.classes().resolve("demo/DeepModel.class")));
        Plan plan = PlanParser.parse(Files.readString(r.classes().resolve("demo/Deep.plan")));
        assertTrue(
                plan.kernels().size() > 2,
                "the 1,000-op chain is split into capped kernels: "
                        + plan.kernels().size());
    }

    @Test
    void theOutputIsByteIdenticalFromRunToRun() throws Exception {
        Result a = compileIn(dir.resolve("a"), "Mlp", MLP);
        Result b = compileIn(dir.resolve("b"), "Mlp", MLP);
        assertTrue(a.ok() && b.ok(), a.errors() + b.errors());
        for (String file : List.of(
                "generated/demo/MlpModel.java",
                "generated/demo/MlpKernels.java",
                "classes/demo/Mlp.plan",
                "classes/demo/Mlp.cu",
                "classes/demo/Mlp.launches.txt")) {
            assertTrue(
                    java.util.Arrays.equals(
                            Files.readAllBytes(dir.resolve("a").resolve(file)),
                            Files.readAllBytes(dir.resolve("b").resolve(file))),
                    file + " differs between two runs");
        }
    }

    @Test
    void optionsChooseTheTargetsAndDumpEveryFile() throws Exception {
        Path dump = dir.resolve("dump");
        Result r = compile("Mlp", MLP, "-Ajavelin.targets=cuda,ptx", "-Ajavelin.dump=" + dump, "-Ajavelin.verify=true");
        assertTrue(r.ok(), r.errors());
        for (String file : List.of("MlpModel.java", "MlpKernels.java", "Mlp.plan", "Mlp.cu", "Mlp.launches.txt")) {
            assertTrue(Files.exists(dump.resolve("demo").resolve(file)), file + " in the dump folder");
        }
        boolean ptx = Files.exists(r.classes().resolve("demo/Mlp.compute_90.ptx"));
        boolean explained =
                r.diagnostics().stream().anyMatch(d -> d.getMessage(Locale.ROOT).contains("wrote no PTX"));
        assertTrue(ptx || explained, "PTX, or a note saying why there is none");
        if (ptx) {
            assertTrue(Files.readString(r.classes().resolve("demo/Mlp.compute_90.ptx"))
                    .contains(".target sm_90"));
            assertTrue(Files.exists(r.classes().resolve("demo/Mlp.compute_80.ptx")));
        }
        Result none = compileIn(dir.resolve("cpu-only"), "Mlp", MLP, "-Ajavelin.targets=");
        assertTrue(none.ok(), none.errors());
        assertFalse(Files.exists(none.classes().resolve("demo/Mlp.cu")), "no CUDA source when no target asks for it");
    }

    @Test
    void aShapeMismatchIsAJavacErrorAtTheDslCall() throws Exception {
        String source = HEADER + """
                @Model(inputs = @Input(name = "x", shape = {"batch", "12"}))
                final class Bad {
                    static Tensor forward(Net nn, Tensor x) {
                        Tensor h = nn.module("a", new Linear(12, 8)).forward(x);
                        return nn.module("b", new Linear(7, 5)).forward(h);
                    }
                }
                """;
        Result r = compile("Bad", source);
        assertFalse(r.ok());
        var e = r.onlyError();
        assertEquals(13, e.getLineNumber(), r.errors());
        // javac places a call's diagnostics at its argument list: the "(" of forward(h).
        assertEquals(56, e.getColumnNumber(), r.errors());
        String message = e.getMessage(Locale.ROOT);
        assertTrue(message.contains("Linear(7, 5)") && message.contains("f32[batch,8]"), message);
    }

    @Test
    void anUnsupportedConstructIsAJavacErrorSayingWhatIsSupported() throws Exception {
        String source = HEADER + """
                @Model(inputs = @Input(name = "x", shape = {"batch", "12"}))
                final class Loop {
                    static Tensor forward(Net nn, Tensor x) {
                        while (x != null) {
                            x = x.relu();
                        }
                        return x;
                    }
                }
                """;
        Result r = compile("Loop", source);
        assertFalse(r.ok());
        var e = r.onlyError();
        assertEquals(12, e.getLineNumber(), r.errors());
        assertEquals(9, e.getColumnNumber(), r.errors());
        assertTrue(e.getMessage(Locale.ROOT).contains("supported: local variables"), e.getMessage(Locale.ROOT));
    }

    @Test
    void aMissingInputShapeIsAJavacErrorAtTheParameter() throws Exception {
        String source = HEADER + """
                @Model(inputs = @Input(name = "x", shape = {"batch", "12"}))
                final class Two {
                    static Tensor forward(Net nn, Tensor x, Tensor y) {
                        return x.add(y);
                    }
                }
                """;
        Result r = compile("Two", source);
        assertFalse(r.ok());
        var e = r.onlyError();
        assertEquals(11, e.getLineNumber(), r.errors());
        assertTrue(e.getMessage(Locale.ROOT).contains("no input shape for parameter y"), e.getMessage(Locale.ROOT));
    }

    private static float[] values(Random r, long n) {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * 0.5);
        }
        return v;
    }

    private static NdArray array(float[] v, long[] shape) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return NdArray.of(DType.F32, shape, d);
    }
}
