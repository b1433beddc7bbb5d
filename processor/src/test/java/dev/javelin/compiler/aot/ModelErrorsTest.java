package dev.javelin.compiler.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.aot.AotJavac.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors name the user's code only: two models with one name are an error at the second one's
 * annotation naming both classes (not the Filer's refusal), and a shape error, its message and the
 * graph's locations name the model's source file and line, never a Javelin source file.
 */
class ModelErrorsTest {
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

    private static String model(String simple, String name) {
        return HEADER + """
                @Model(name = "%s", inputs = @Input(name = "x", shape = {"batch", "4"}))
                final class %s {
                    static Tensor forward(Net nn, Tensor x) {
                        return nn.module("fc", new Linear(4, 2)).forward(x);
                    }
                }
                """.formatted(name, simple);
    }

    /** Every {@code Something.java} a text names. */
    private static List<String> javaFiles(String text) {
        Matcher m = Pattern.compile("[A-Za-z0-9_$]+\\.java").matcher(text);
        return m.results().map(r -> r.group()).distinct().toList();
    }

    @Test
    void twoModelsWithOneNameAreAnErrorAtTheSecondNamingBothClasses() throws Exception {
        Map<String, String> sources = new LinkedHashMap<>();
        sources.put("First", model("First", "twin"));
        sources.put("Second", model("Second", "twin"));
        Result r = AotJavac.compile(dir, sources);
        assertFalse(r.ok());
        var e = r.onlyError();
        String message = e.getMessage(Locale.ROOT);
        assertTrue(
                message.contains("model name 'twin' is already taken by @Model class demo.")
                        && message.contains("demo.First")
                        && message.contains("demo.Second")
                        && message.contains("@Model(name = ...)"),
                message);
        assertFalse(message.contains("FilerException"), message);
        // At the name = "twin" of the second class's annotation.
        assertEquals(9, e.getLineNumber(), r.errors());
        assertEquals(15, e.getColumnNumber(), r.errors());
    }

    @Test
    void aBroadcastErrorNamesTheModelsLineAndNoJavelinSource() throws Exception {
        String source = HEADER + """
                @Model(inputs = {@Input(name = "x", shape = {"batch", "12"}), @Input(name = "y", shape = {"batch", "5"})})
                final class Broadcast {
                    static Tensor forward(Net nn, Tensor x, Tensor y) {
                        Tensor h = x.relu();
                        return h.add(y);
                    }
                }
                """;
        Result r = AotJavac.compile(dir, Map.of("Broadcast", source));
        assertFalse(r.ok());
        var e = r.onlyError();
        assertEquals(13, e.getLineNumber(), r.errors());
        String message = e.getMessage(Locale.ROOT);
        assertTrue(message.contains("at Broadcast.java:13") && message.contains("f32[batch,5]"), message);
        assertEquals(List.of("Broadcast.java"), javaFiles(message), message);
    }

    @Test
    void theGraphsLocationsNameTheModelsSource() throws Exception {
        String source = HEADER + """
                @Model(inputs = @Input(name = "x", shape = {"batch", "4"}))
                final class Located {
                    static Tensor forward(Net nn, Tensor x) {
                        Tensor h = nn.module("fc", new Linear(4, 3)).forward(x);
                        return h.relu();
                    }
                }
                """;
        Result r = AotJavac.compile(dir, Map.of("Located", source));
        assertTrue(r.ok(), r.errors());
        String plan = Files.readString(r.classes().resolve("demo/Located.plan"));
        String kernels = Files.readString(dir.resolve("generated/demo/LocatedKernels.java"));
        assertEquals(List.of("Located.java"), javaFiles(plan), plan);
        assertTrue(plan.contains("@\"Located.java\":12") && plan.contains("@\"Located.java\":13"), plan);
        assertFalse(kernels.contains("DslEvaluator") || kernels.contains("Invoke.java"), kernels);
    }

    @Test
    void aShapeErrorInAHelperOfAnotherFileIsReportedInThatFile() throws Exception {
        String layers = """
                package demo;

                import dev.javelin.dsl.Net;
                import dev.javelin.dsl.Tensor;
                import dev.javelin.dsl.nn.Linear;

                final class Blocks {
                    private Blocks() {}

                    static Tensor dense(Net nn, Tensor x, long in, long out) {
                        return nn.module("fc", new Linear(in, out)).forward(x);
                    }
                }
                """;
        String source = HEADER + """
                @Model(inputs = @Input(name = "x", shape = {"batch", "4"}))
                final class UsesBlocks {
                    static Tensor forward(Net nn, Tensor x) {
                        return Blocks.dense(nn, x, 5, 2);
                    }
                }
                """;
        Result r = AotJavac.compile(dir, Map.of("UsesBlocks", source, "Blocks", layers));
        assertFalse(r.ok());
        assertTrue(r.errors().startsWith("Blocks.java:11:") && r.errors().contains("Linear(5, 2)"), r.errors());
    }
}
