package dev.javelin.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet of docs/api.md compiles against the documented artifacts: each becomes the body
 * of a method, whose parameters are what its {@code // given:} line names, with the API's packages
 * imported. A compile error is reported at the snippet's line in the page.
 */
class ApiDocSnippetsTest {
    private static final Path PAGE = Path.of("..", "docs", "api.md");
    private static final String IMPORTS = """
            import dev.javelin.JavelinException;
            import dev.javelin.compiler.*;
            import dev.javelin.dsl.Net;
            import dev.javelin.dsl.Tensor;
            import dev.javelin.dsl.data.*;
            import dev.javelin.dsl.nn.*;
            import dev.javelin.dsl.optim.*;
            import dev.javelin.ir.type.DType;
            import dev.javelin.ir.value.NdArray;
            import dev.javelin.models.*;
            import java.nio.file.Path;
            import java.util.Map;
            """;

    /** A snippet: its first line in the page, what it is given, and its code. */
    record Snippet(int line, String given, String code) {}

    static List<Snippet> snippets(List<String> lines) {
        List<Snippet> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).equals("```java")) {
                continue;
            }
            int start = i + 1;
            StringBuilder code = new StringBuilder();
            String given = "";
            int j = start;
            for (; j < lines.size() && !lines.get(j).equals("```"); j++) {
                String l = lines.get(j);
                if (j == start && l.startsWith("// given: ")) {
                    given = l.substring("// given: ".length());
                }
                code.append(l).append('\n');
            }
            out.add(new Snippet(start + 1, given, code.toString()));
            i = j;
        }
        return out;
    }

    @Test
    void everyJavaSnippetOfTheApiPageCompiles() throws IOException {
        List<Snippet> snippets = snippets(Files.readAllLines(PAGE));
        assertTrue(snippets.size() >= 6, "docs/api.md has " + snippets.size() + " Java snippets, expected the tour's");
        StringBuilder source = new StringBuilder(IMPORTS).append("\nclass ApiSnippets {\n");
        List<int[]> lineMap = new ArrayList<>(); // {first source line of the body, page line}
        for (int n = 0; n < snippets.size(); n++) {
            Snippet s = snippets.get(n);
            source.append("    static void snippet")
                    .append(n)
                    .append("(")
                    .append(s.given())
                    .append(") throws Exception {\n");
            lineMap.add(new int[] {(int) source.chars().filter(c -> c == '\n').count() + 1, s.line()});
            source.append(s.code()).append("    }\n");
        }
        source.append("}\n");
        JavaFileObject file =
                new SimpleJavaFileObject(URI.create("string:///ApiSnippets.java"), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return source;
                    }
                };
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path out = Files.createTempDirectory("api-snippets");
        boolean ok = ToolProvider.getSystemJavaCompiler()
                .getTask(
                        new StringWriter(),
                        null,
                        diagnostics,
                        List.of("-d", out.toString(), "-cp", System.getProperty("java.class.path"), "-proc:none"),
                        null,
                        List.of(file))
                .call();
        StringBuilder errors = new StringBuilder();
        diagnostics.getDiagnostics().forEach(d -> {
            long line = d.getLineNumber();
            int page = -1;
            for (int[] m : lineMap) {
                if (line >= m[0]) {
                    page = (int) (m[1] + line - m[0]);
                }
            }
            errors.append("docs/api.md:")
                    .append(page)
                    .append(": ")
                    .append(d.getMessage(null))
                    .append('\n');
        });
        assertTrue(ok, errors.toString());
    }
}
