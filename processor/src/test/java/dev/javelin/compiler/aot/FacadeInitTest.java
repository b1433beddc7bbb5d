package dev.javelin.compiler.aot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.aot.AotJavac.Result;
import dev.javelin.dsl.Mode;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.nn.Linear;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new facade starts from the model's own initial parameters (its initializers with {@code
 * @Model(seed = ...)}, the values the JIT path draws with that seed), so {@code forward} before any
 * {@code load} computes the untrained model instead of returning zeros.
 */
class FacadeInitTest {
    @TempDir
    Path dir;

    private static final String SOURCE = """
            package demo;

            import dev.javelin.annotations.Input;
            import dev.javelin.annotations.Model;
            import dev.javelin.dsl.Net;
            import dev.javelin.dsl.Tensor;
            import dev.javelin.dsl.nn.Linear;

            @Model(inputs = @Input(name = "x", shape = {"batch", "6"}), batch = 2%s)
            final class Fresh {
                static Tensor forward(Net nn, Tensor x) {
                    Tensor h = nn.module("fc1", new Linear(6, 5)).forward(x).relu();
                    return nn.module("fc2", new Linear(5, 3)).forward(h);
                }
            }
            """;

    /** The same model traced by the JIT path, and its initial values with {@code seed}. */
    private static Map<String, NdArray> jitInitialValues(long seed) {
        Net net = new Net("Fresh", Mode.EVAL);
        Tensor x = net.input("x", DType.F32, "batch", 6);
        Tensor h = net.module("fc1", new Linear(6, 5)).forward(x).relu();
        net.module("fc2", new Linear(5, 3)).forward(h);
        return net.initialValues(seed);
    }

    @Test
    void forwardOnANewFacadeRunsTheModelsInitialParameters() throws Exception {
        check(SOURCE.formatted(""), 0);
    }

    @Test
    void theSeedOfTheAnnotationChoosesTheInitialParameters() throws Exception {
        check(SOURCE.formatted(", seed = 7"), 7);
    }

    @Test
    void aFacadeWithoutItsInitialValuesResourceFailsNamingIt() throws Exception {
        Result r = AotJavac.compile(dir, Map.of("Fresh", SOURCE.formatted("")));
        assertTrue(r.ok(), r.errors());
        Files.delete(r.classes().resolve("demo/Fresh.init.f32"));
        try (URLClassLoader loader = new URLClassLoader(
                new URL[] {r.classes().toUri().toURL()}, getClass().getClassLoader())) {
            var e = assertThrows(
                    InvocationTargetException.class,
                    () -> loader.loadClass("demo.FreshModel").getConstructor().newInstance());
            assertEquals(
                    "the resource Fresh.init.f32 (the initial parameters of FreshModel) is missing: package it next"
                            + " to FreshModel.class",
                    e.getCause().getMessage());
        }
    }

    private void check(String source, long seed) throws Exception {
        Result r = AotJavac.compile(dir, Map.of("Fresh", source));
        assertTrue(r.ok(), r.errors());
        Map<String, NdArray> init = jitInitialValues(seed);
        Plan plan = PlanParser.parse(Files.readString(r.classes().resolve("demo/Fresh.plan")));
        try (URLClassLoader loader = new URLClassLoader(
                new URL[] {r.classes().toUri().toURL()}, getClass().getClassLoader())) {
            Class<?> facade = loader.loadClass("demo.FreshModel");
            try (AutoCloseable model = (AutoCloseable) facade.getConstructor().newInstance()) {
                Method parameter = facade.getMethod("parameter", String.class);
                assertEquals(4, init.size());
                for (var e : init.entrySet()) {
                    assertArrayEquals(floats(e.getValue()), (float[]) parameter.invoke(model, e.getKey()), e.getKey());
                }
                float[] x = new float[2 * 6];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (i % 5) * 0.25f - 0.5f;
                }
                float[] got =
                        (float[]) facade.getMethod("forward", float[].class).invoke(model, (Object) x);
                Map<String, NdArray> feeds = new HashMap<>(init);
                double[] xs = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    xs[i] = x[i];
                }
                feeds.put("x", NdArray.of(DType.F32, new long[] {2, 6}, xs));
                NdArray want = PlanInterpreter.run(plan, feeds).outputs().get("output");
                boolean nonZero = false;
                for (int i = 0; i < got.length; i++) {
                    assertEquals(want.get(i), got[i], 1e-5 * (1 + Math.abs(want.get(i))), "output[" + i + "]");
                    nonZero |= got[i] != 0;
                }
                assertTrue(nonZero, "the untrained model's output is not all zeros");
            }
        }
    }

    private static float[] floats(NdArray a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a.get(i);
        }
        return f;
    }
}
