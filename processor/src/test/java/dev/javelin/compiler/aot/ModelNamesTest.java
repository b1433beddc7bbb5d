package dev.javelin.compiler.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.aot.AotJavac.Result;
import dev.javelin.runtime.ProgramLayout;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the compile-time evaluation resolves as javac does: every import form (single-type,
 * on-demand, nested-class, static single, static on-demand), compile-time constants of the model
 * class and of other classes, and static helper methods of other classes in the same compilation;
 * what it cannot evaluate is an error that names the supported alternative.
 */
class ModelNamesTest {
    @TempDir
    Path dir;

    private static final String CONFIG = """
            package demo;

            public final class Config {
                public static final int HIDDEN = 8;
                public static final long WIDTH = 12;
                static final double SCALE = 0.5;
                static final int[] SIZES = {4, 5};

                public static final class Sizes {
                    public static final int OUT = 5;
                }

                private Config() {}
            }
            """;

    private static final String LAYERS = """
            package demo;

            import dev.javelin.dsl.Net;
            import dev.javelin.dsl.Tensor;
            import dev.javelin.dsl.nn.Linear;

            public final class Layers {
                private Layers() {}

                public static Tensor dense(Net nn, String name, Tensor x, long in, long out) {
                    return nn.module(name, new Linear(in, out)).forward(x).relu();
                }
            }
            """;

    private static ProgramLayout layout(Result r, String facade) throws Exception {
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {r.classes().toUri().toURL()}, ModelNamesTest.class.getClassLoader())) {
            return (ProgramLayout) loader.loadClass(facade).getMethod("layout").invoke(null);
        }
    }

    private static String shape(ProgramLayout layout, String role, String name) {
        return layout.bindings(role).stream()
                .filter(b -> b.name().equals(name))
                .map(b -> Arrays.toString(layout.slot(b.buffer()).shape()))
                .findFirst()
                .orElse("no " + role + " " + name);
    }

    @Test
    void nestedClassOnDemandAndModuleImportsResolveAsInJava() throws Exception {
        String source = """
                package demo;

                import module java.base;
                import dev.javelin.annotations.*;
                import dev.javelin.dsl.Net;
                import dev.javelin.dsl.Tensor;
                import dev.javelin.dsl.nn.*;
                import dev.javelin.dsl.nn.Pooling.MaxPool2d;

                @Model(inputs = @Input(name = "x", shape = {"batch", "1", "8", "8"}), batch = 2)
                final class Pools {
                    static Tensor forward(Net nn, Tensor x) {
                        Tensor h = nn.module("conv", new Conv2d(1, BigInteger.TWO.intValue(), 3)).forward(x).relu();
                        h = new MaxPool2d(2).forward(h);
                        h = new Pooling.AvgPool2d(1).forward(h);
                        return h.flatten(1);
                    }
                }
                """;
        Result r = AotJavac.compile(dir, Map.of("Pools", source));
        assertTrue(r.ok(), r.errors());
        assertEquals("[2, 18]", shape(layout(r, "demo.PoolsModel"), "output", "output"));
    }

    @Test
    void constantsAndHelpersOfOtherClassesEvaluateThroughEveryImportForm() throws Exception {
        String source = """
                package demo;

                import static demo.Config.*;
                import static demo.Config.Sizes.OUT;
                import static demo.Layers.dense;

                import dev.javelin.annotations.Input;
                import dev.javelin.annotations.Model;
                import dev.javelin.dsl.*;
                import dev.javelin.dsl.nn.Linear;

                @Model(inputs = @Input(name = "x", shape = {"batch", "12"}), batch = 2)
                final class Names {
                    static final int TWICE = HIDDEN * 2;

                    static Tensor forward(Net nn, Tensor x) {
                        Tensor h = dense(nn, "a", x, WIDTH, Config.HIDDEN);
                        h = Layers.dense(nn, "b", h, demo.Config.HIDDEN, TWICE);
                        return nn.module("out", new Linear(TWICE, OUT)).forward(h.mul(SCALE));
                    }
                }
                """;
        Result r = AotJavac.compile(dir, Map.of("Names", source, "Config", CONFIG, "Layers", LAYERS));
        assertTrue(r.ok(), r.errors());
        ProgramLayout layout = layout(r, "demo.NamesModel");
        assertEquals("[2, 5]", shape(layout, "output", "output"));
        assertEquals(
                List.of("a.bias", "a.weight", "b.bias", "b.weight", "out.bias", "out.weight"),
                layout.bindings("parameter").stream()
                        .map(ProgramLayout.Bind::name)
                        .sorted()
                        .toList());
        assertEquals("[16]", shape(layout, "parameter", "b.bias"));
    }

    @Test
    void aFieldThatIsNoCompileTimeConstantIsAnErrorNamingTheAlternative() throws Exception {
        String source = """
                package demo;

                import dev.javelin.annotations.Input;
                import dev.javelin.annotations.Model;
                import dev.javelin.dsl.Net;
                import dev.javelin.dsl.Tensor;
                import dev.javelin.dsl.nn.Linear;

                @Model(inputs = @Input(name = "x", shape = {"batch", "12"}))
                final class Sizes {
                    static Tensor forward(Net nn, Tensor x) {
                        return nn.module("fc", new Linear(12, Config.SIZES)).forward(x);
                    }
                }
                """;
        Result r = AotJavac.compile(dir, Map.of("Sizes", source, "Config", CONFIG));
        assertFalse(r.ok());
        var e = r.onlyError();
        assertEquals(12, e.getLineNumber(), r.errors());
        String message = e.getMessage(Locale.ROOT);
        assertTrue(
                message.contains("Config.SIZES is not a compile-time constant")
                        && message.contains("static final field of a primitive or String type"),
                message);
    }
}
