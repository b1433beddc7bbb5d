package dev.javelin.compiler.aot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** One javac run (javax.tools, this test's class path) over sources of package {@code demo}, with the processor. */
final class AotJavac {
    private AotJavac() {}

    record Result(boolean ok, List<Diagnostic<? extends JavaFileObject>> diagnostics, Path classes) {
        /** Every error as {@code File.java:line:column message}, one a line. */
        String errors() {
            StringBuilder s = new StringBuilder();
            for (var d : diagnostics) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    String file = d.getSource() == null
                            ? "?"
                            : Path.of(d.getSource().toUri()).getFileName().toString();
                    s.append(file)
                            .append(':')
                            .append(d.getLineNumber())
                            .append(':')
                            .append(d.getColumnNumber())
                            .append(' ')
                            .append(d.getMessage(Locale.ROOT))
                            .append('\n');
                }
            }
            return s.toString();
        }

        Diagnostic<? extends JavaFileObject> onlyError() {
            List<Diagnostic<? extends JavaFileObject>> errors = diagnostics.stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .toList();
            assertEquals(1, errors.size(), "one error expected:\n" + errors());
            return errors.getFirst();
        }
    }

    /** Compiles {@code sources} (simple class name to source text) in {@code dir}. */
    static Result compile(Path dir, Map<String, String> sources, String... extra) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/demo"));
        List<Path> files = new ArrayList<>();
        for (var e : sources.entrySet()) {
            files.add(Files.writeString(src.resolve(e.getKey() + ".java"), e.getValue()));
        }
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path generated = Files.createDirectories(dir.resolve("generated"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm =
                javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = new ArrayList<>(List.of(
                    "-classpath",
                    System.getProperty("java.class.path"),
                    "-d",
                    classes.toString(),
                    "-s",
                    generated.toString(),
                    "--add-modules",
                    "jdk.incubator.vector",
                    "-Xlint:-incubating"));
            options.addAll(List.of(extra));
            var task = javac.getTask(null, fm, diagnostics, options, null, fm.getJavaFileObjectsFromPaths(files));
            task.setProcessors(List.of(new ModelProcessor()));
            boolean ok = task.call();
            return new Result(ok, diagnostics.getDiagnostics(), classes);
        }
    }
}
