package dev.javelin.compiler.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.aot.AotJavac.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One model's evaluation runs at most 1,000,000 loop iterations and helper calls in all: nested
 * loops, or helpers that call helpers twice over, fail fast at the loop or call that ran out
 * instead of keeping javac busy for minutes; a 100,000-iteration loop still compiles.
 */
class ModelBudgetTest {
    @TempDir
    Path dir;

    /** Far below the minutes the unbounded evaluation took, far above the second the budget takes. */
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private static String model(String body, String helpers) {
        return """
                package demo;

                import dev.javelin.annotations.Input;
                import dev.javelin.annotations.Model;
                import dev.javelin.dsl.Net;
                import dev.javelin.dsl.Tensor;
                import dev.javelin.dsl.nn.Linear;

                @Model(inputs = @Input(name = "x", shape = {"batch", "4"}))
                final class Looped {
                    static Tensor forward(Net nn, Tensor x) {
                %s
                        return nn.module("fc", new Linear(4, 2)).forward(x);
                    }
                %s
                }
                """.formatted(body, helpers);
    }

    private static final String BUDGET_TEXT =
            "the model's evaluation exceeds its budget of 1,000,000 loop iterations and helper calls in all";

    @Test
    void nestedLoopsBeyondTheBudgetFailFastAtTheInnerLoop() {
        String body = """
                        for (int i = 0; i < 100000; i++) {
                            for (int j = 0; j < 100000; j++) {}
                        }
                """;
        Result r = assertTimeoutPreemptively(LIMIT, () -> AotJavac.compile(dir, Map.of("Looped", model(body, ""))));
        assertFalse(r.ok());
        var e = r.onlyError();
        String message = e.getMessage(Locale.ROOT);
        assertTrue(message.startsWith(BUDGET_TEXT + " at this loop;"), message);
        assertTrue(message.contains("run fewer iterations (nested loops multiply)"), message);
        assertTrue(message.contains("build the graph with the DSL at run time"), message);
        assertEquals(13, e.getLineNumber(), r.errors());
        assertEquals(13, e.getColumnNumber(), r.errors());
    }

    @Test
    void helpersCallingHelpersTwiceOverFailFastAtTheCall() {
        String helpers = """
                    static int twice(int n) {
                        return n == 0 ? 0 : twice(n - 1) + twice(n - 1);
                    }
                """;
        Result r = assertTimeoutPreemptively(
                LIMIT, () -> AotJavac.compile(dir, Map.of("Looped", model("        int k = twice(40);", helpers))));
        assertFalse(r.ok());
        var e = r.onlyError();
        String message = e.getMessage(Locale.ROOT);
        assertTrue(message.startsWith(BUDGET_TEXT + " at this helper call;"), message);
        // At the first twice(n - 1)'s parenthesis, where javac puts a method call.
        assertEquals(16, e.getLineNumber(), r.errors());
        assertEquals(34, e.getColumnNumber(), r.errors());
    }

    @Test
    void aHundredThousandIterationLoopStillCompiles() {
        String body = """
                        int sum = 0;
                        for (int i = 0; i < 100000; i++) {
                            sum += i % 2;
                        }
                """;
        Result r = assertTimeoutPreemptively(LIMIT, () -> AotJavac.compile(dir, Map.of("Looped", model(body, ""))));
        assertTrue(r.ok(), r.errors());
    }
}
