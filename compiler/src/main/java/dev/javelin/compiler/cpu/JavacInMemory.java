package dev.javelin.compiler.cpu;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles one generated source file with the JDK's {@code javac} in this process, classes kept in
 * memory. The class path is this JVM's, so the generated code sees the runtime it calls.
 */
final class JavacInMemory {
    private JavacInMemory() {}

    /** Class files by binary name. Fails with javac's errors (and the failing lines) if it does not compile. */
    static Map<String, byte[]> compile(String className, String source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this JVM (" + System.getProperty("java.home")
                    + "): the CPU backend needs a JDK, not a JRE");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> out = new LinkedHashMap<>();
        StandardJavaFileManager std = javac.getStandardFileManager(diagnostics, Locale.ROOT, null);
        JavaFileManager files = new ForwardingJavaFileManager<>(std) {
            @Override
            public JavaFileObject getJavaFileForOutput(
                    Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + name.replace('.', '/') + ".class"), kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return out.computeIfAbsent(name, k -> new ByteArrayOutputStream());
                    }
                };
            }
        };
        JavaFileObject unit =
                new SimpleJavaFileObject(
                        URI.create("string:///" + className.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                        return source;
                    }
                };
        List<String> options = List.of(
                "--add-modules",
                "jdk.incubator.vector",
                "-classpath",
                System.getProperty("java.class.path"),
                "-proc:none",
                "-g:source,lines",
                "-nowarn",
                "-XDsuppressNotes");
        boolean ok = javac.getTask(null, files, diagnostics, options, null, List.of(unit))
                .call();
        if (!ok) {
            List<String> errors = new ArrayList<>();
            String[] lines = source.split("\n", -1);
            for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                if (d.getKind() == Diagnostic.Kind.ERROR) {
                    long line = d.getLineNumber();
                    String text = line >= 1 && line <= lines.length ? lines[(int) line - 1].strip() : "";
                    errors.add("line " + line + ": " + d.getMessage(Locale.ROOT) + "\n    " + text);
                }
            }
            throw new IllegalStateException("generated CPU program " + className + " does not compile (a Javelin bug;"
                    + " please report it with the plan):\n" + String.join("\n", errors));
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        out.forEach((k, v) -> classes.put(k, v.toByteArray()));
        return classes;
    }
}
