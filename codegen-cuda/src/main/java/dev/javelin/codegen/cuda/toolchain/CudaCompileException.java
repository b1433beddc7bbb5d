package dev.javelin.codegen.cuda.toolchain;

import dev.javelin.JavelinException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CUDA source that did not compile. The message names the compiler, the file and the target,
 * holds the compiler's whole log, and shows the generated source around each error the log
 * places in that file ({@code k.cu(12): error: ...}, as NVRTC and nvcc both write it): two lines
 * before, two after, numbered, the error line marked with {@code >}.
 */
public final class CudaCompileException extends JavelinException {
    private static final Pattern ERROR_LINE =
            Pattern.compile("^(.+?)\\((\\d+)\\): (?:catastrophic error|error)\\b.*$", Pattern.MULTILINE);
    private static final int CONTEXT = 2;
    private static final int MAX_SHOWN = 10;

    private final String compiler;
    private final String arch;
    private final String compilerLog;

    CudaCompileException(String compiler, CompileRequest request, String failure, String compilerLog) {
        super(describe(compiler, request, failure, compilerLog));
        this.compiler = compiler;
        this.arch = request.arch().name();
        this.compilerLog = compilerLog;
    }

    /** The compiler's name and version. */
    public String compiler() {
        return compiler;
    }

    public String arch() {
        return arch;
    }

    /** The compiler's log as it wrote it. */
    public String compilerLog() {
        return compilerLog;
    }

    private static String describe(String compiler, CompileRequest request, String failure, String log) {
        StringBuilder out = new StringBuilder();
        out.append(compiler)
                .append(" could not compile ")
                .append(request.fileName())
                .append(" for ")
                .append(request.arch().name())
                .append(": ")
                .append(failure);
        String trimmedLog = log.strip();
        out.append("\ncompiler log:");
        if (trimmedLog.isEmpty()) {
            out.append(" (empty)");
        } else {
            trimmedLog.lines().forEach(line -> out.append("\n  ").append(line));
        }
        appendErrorContexts(out, request, log);
        return out.toString();
    }

    private static void appendErrorContexts(StringBuilder out, CompileRequest request, String log) {
        List<String> lines = request.source().lines().toList();
        Matcher matcher = ERROR_LINE.matcher(log);
        int shown = 0;
        int skipped = 0;
        while (matcher.find()) {
            if (!sameFile(matcher.group(1), request.fileName())) {
                continue;
            }
            int line = Integer.parseInt(matcher.group(2));
            if (line < 1 || line > lines.size()) {
                continue;
            }
            if (shown == MAX_SHOWN) {
                skipped++;
                continue;
            }
            out.append("\n\n").append(matcher.group().strip());
            appendSourceAround(out, lines, line);
            shown++;
        }
        if (skipped > 0) {
            out.append("\n\n(").append(skipped).append(" more errors; see the log above)");
        }
    }

    /** nvcc may write the path it was given; NVRTC writes the name as passed. */
    private static boolean sameFile(String reported, String fileName) {
        String name = reported.strip();
        return name.equals(fileName) || name.endsWith("/" + fileName) || fileName.endsWith("/" + name);
    }

    private static void appendSourceAround(StringBuilder out, List<String> lines, int line) {
        int first = Math.max(1, line - CONTEXT);
        int last = Math.min(lines.size(), line + CONTEXT);
        int width = String.valueOf(last).length();
        for (int n = first; n <= last; n++) {
            out.append("\n  ")
                    .append(n == line ? "> " : "  ")
                    .append(String.format("%" + width + "d", n))
                    .append(" | ")
                    .append(lines.get(n - 1));
        }
    }
}
