package dev.javelin.ir.plan;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.text.ParseException;
import dev.javelin.ir.text.Parser;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the text form {@link PlanPrinter} writes. The form is line-oriented: one statement per line,
 * blank lines and {@code //} comment lines ignored. Kernel body lines are graph node lines, read by
 * the graph {@link Parser}, whose errors are reported at their line in the plan. Like the graph
 * parser it checks syntax only; {@link PlanVerifier} checks meaning.
 */
public final class PlanParser {
    private static final String NAME = "[A-Za-z_][A-Za-z0-9_.]*|[0-9]+";
    private static final Pattern HEADER = Pattern.compile("plan ([A-Za-z_][A-Za-z0-9_.]*) \\{");
    private static final Pattern SIZES =
            Pattern.compile("sizes ([A-Za-z_][A-Za-z0-9_]*=[0-9]+(, [A-Za-z_]\\w*=[0-9]+)*)");
    private static final Pattern ARENA = Pattern.compile("arena ([0-9]+)");
    private static final Pattern BUFFER = Pattern.compile(
            "buffer %(" + NAME + ") : ([a-z0-9]+)\\[([^\\]]*)\\] (input|parameter|arena|packed|update)( [0-9]+)?");
    private static final Pattern KERNEL = Pattern.compile("kernel ([A-Za-z_][A-Za-z0-9_]*) ([a-z_]+) reads\\(([^)]*)\\)"
            + " writes\\(([^)]*)\\) flops=([0-9]+) bytes_read=([0-9]+) bytes_written=([0-9]+) \\{");
    private static final Pattern BINDING =
            Pattern.compile("(input|parameter|output|assign) (" + NAME + ") = %(" + NAME + ")");

    private final String source;
    private final String[] lines;
    private int at;

    private PlanParser(String text, String source) {
        this.source = source;
        this.lines = text.split("\n", -1);
    }

    public static Plan parse(String text) {
        return parse(text, "<input>");
    }

    /** Parses one plan; {@code sourceName} (a file name) prefixes error positions. */
    public static Plan parse(String text, String sourceName) {
        return new PlanParser(text, sourceName).plan();
    }

    private PlanParseException error(int line, String detail) {
        return new PlanParseException(source, line + 1, line < lines.length ? lines[line] : "", detail);
    }

    /** The next statement (trimmed), skipping blank and comment lines; null at the end. */
    private String next() {
        while (at < lines.length) {
            String s = lines[at++].strip();
            if (!s.isEmpty() && !s.startsWith("//")) {
                return s;
            }
        }
        return null;
    }

    private Matcher match(Pattern p, String s) {
        Matcher m = p.matcher(s);
        return m.matches() ? m : null;
    }

    private Plan plan() {
        String s = next();
        Matcher h = s == null ? null : match(HEADER, s);
        if (h == null) {
            throw error(at - 1, "expected 'plan NAME {' at the start, found " + found(s));
        }
        Map<String, Long> sizes = new LinkedHashMap<>();
        long arena = -1;
        List<Buffer> buffers = new ArrayList<>();
        List<Kernel> kernels = new ArrayList<>();
        List<Binding> bindings = new ArrayList<>();
        while ((s = next()) != null && !s.equals("}")) {
            int line = at - 1;
            Matcher m;
            try {
                if ((m = match(SIZES, s)) != null) {
                    for (String kv : m.group(1).split(", ")) {
                        String[] p = kv.split("=");
                        sizes.put(p[0], number(line, p[1]));
                    }
                } else if ((m = match(ARENA, s)) != null) {
                    arena = number(line, m.group(1));
                } else if ((m = match(BUFFER, s)) != null) {
                    buffers.add(buffer(line, m));
                } else if ((m = match(KERNEL, s)) != null) {
                    kernels.add(kernel(line, m));
                } else if ((m = match(BINDING, s)) != null) {
                    Binding.Role role = Binding.Role.valueOf(m.group(1).toUpperCase(Locale.ROOT));
                    bindings.add(new Binding(role, m.group(2), m.group(3)));
                } else {
                    throw error(
                            line,
                            "expected 'sizes', 'arena', 'buffer', 'kernel', a binding (input, parameter,"
                                    + " output, assign) or the plan's closing '}', found " + found(s));
                }
            } catch (IllegalArgumentException e) {
                throw error(line, e.getMessage());
            }
        }
        if (s == null) {
            throw error(lines.length - 1, "expected the plan's closing '}', found the end of the input");
        }
        String rest = next();
        if (rest != null) {
            throw error(at - 1, "expected the end of the input after the plan's closing '}', found " + found(rest));
        }
        if (arena < 0) {
            throw error(0, "expected an 'arena BYTES' line in plan " + h.group(1) + ", found none");
        }
        try {
            return new Plan(h.group(1), sizes, arena, buffers, kernels, bindings);
        } catch (IllegalArgumentException e) {
            throw error(0, e.getMessage());
        }
    }

    private static String found(String s) {
        return s == null ? "the end of the input" : "'" + s + "'";
    }

    private long number(int line, String digits) {
        try {
            return Long.parseLong(digits.strip());
        } catch (NumberFormatException e) {
            throw error(line, "expected a number that fits 64 bits, found " + digits.strip());
        }
    }

    private Buffer buffer(int line, Matcher m) {
        DType dtype = DType.fromText(m.group(2));
        String dims = m.group(3).strip();
        long[] sizes = dims.isEmpty()
                ? new long[0]
                : Arrays.stream(dims.split(","))
                        .mapToLong(d -> staticDim(line, d))
                        .toArray();
        Storage storage = Storage.valueOf(m.group(4).toUpperCase(Locale.ROOT));
        long offset = m.group(5) == null ? Buffer.UNPLACED : number(line, m.group(5));
        return new Buffer(m.group(1), new TensorType(dtype, Shape.of(sizes)), storage, offset);
    }

    private long staticDim(int line, String d) {
        if (!d.strip().matches("[0-9]+")) {
            throw error(line, "a plan is for concrete sizes: expected a static dimension, found '" + d.strip() + "'");
        }
        return number(line, d);
    }

    private Kernel kernel(int line, Matcher m) {
        Kernel.Kind kind;
        try {
            kind = Kernel.Kind.valueOf(m.group(2).toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw error(
                    line,
                    "expected a kernel kind ("
                            + Arrays.stream(Kernel.Kind.values())
                                    .map(Kernel.Kind::text)
                                    .toList() + "), found '" + m.group(2) + "'");
        }
        StringBuilder body = new StringBuilder("graph body {\n");
        boolean closed = false;
        while (!closed && at < lines.length) {
            String raw = lines[at++];
            closed = raw.strip().equals("}");
            if (!closed) {
                body.append(raw).append('\n');
            }
        }
        if (!closed) {
            throw error(line, "expected the '}' that closes kernel " + m.group(1) + ", found the end of the input");
        }
        List<Node> nodes;
        try {
            nodes = Parser.parse(body.append("}\n").toString(), source).nodes();
        } catch (ParseException e) {
            // Body line i of the wrapped text is plan line line + i - 1 (0-based: line + e.line() - 1).
            throw error(line + e.line() - 1, e.detail() + " (column " + e.column() + ")");
        }
        return new Kernel(
                m.group(1),
                kind,
                names(line, m.group(3)),
                names(line, m.group(4)),
                nodes,
                number(line, m.group(5)),
                number(line, m.group(6)),
                number(line, m.group(7)));
    }

    private List<String> names(int line, String list) {
        List<String> out = new ArrayList<>();
        if (list.isBlank()) {
            return out;
        }
        for (String item : list.split(",")) {
            String t = item.strip();
            if (!t.startsWith("%") || !t.substring(1).matches(NAME)) {
                throw error(line, "expected a buffer name ('%name'), found '" + t + "'");
            }
            out.add(t.substring(1));
        }
        return out;
    }
}
