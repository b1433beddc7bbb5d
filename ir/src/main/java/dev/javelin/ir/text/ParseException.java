package dev.javelin.ir.text;

import dev.javelin.ir.IrException;

/**
 * The IR text could not be read. The message is {@code source:line:column: what was expected, what
 * was found}, then the offending line with a caret under the column.
 */
public final class ParseException extends IrException {
    /** Characters of the offending line shown around the column; a fuzzed or minified line can be megabytes long. */
    private static final int EXCERPT = 100;

    private final String source;
    private final int line;
    private final int column;
    private final String detail;

    ParseException(String source, CharSequence text, int line, int column, String detail) {
        super(format(source, text, line, column, detail), source + ":" + line + ":" + column, null);
        this.source = source;
        this.line = line;
        this.column = column;
        this.detail = detail;
    }

    private static String format(String source, CharSequence text, int line, int column, String detail) {
        StringBuilder b = new StringBuilder()
                .append(source)
                .append(':')
                .append(line)
                .append(':')
                .append(column)
                .append(": ")
                .append(detail);
        String src = lineText(text, line);
        int from = Math.max(0, Math.min(column - 1 - EXCERPT / 2, src.length() - EXCERPT));
        int to = Math.min(src.length(), from + EXCERPT);
        String shown = src.substring(from, to);
        if (!shown.isBlank()) {
            String pre = from > 0 ? "..." : "";
            b.append("\n  ")
                    .append(pre)
                    .append(shown)
                    .append(to < src.length() ? "..." : "")
                    .append("\n  ")
                    .append(" ".repeat(Math.max(0, pre.length() + column - 1 - from)))
                    .append('^');
        }
        return b.toString();
    }

    /** Line {@code line} (1-based) of {@code text}, tabs as spaces and control characters as U+FFFD. */
    private static String lineText(CharSequence text, int line) {
        int start = 0;
        for (int l = 1; l < line; l++) {
            start = indexOfNewline(text, start);
            if (start < 0) {
                return "";
            }
            start++;
        }
        int end = indexOfNewline(text, start);
        StringBuilder b = new StringBuilder(text.subSequence(start, end < 0 ? text.length() : end)
                .toString()
                .stripTrailing());
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            if (c == '\t') {
                b.setCharAt(i, ' ');
            } else if (Character.isISOControl(c)) {
                b.setCharAt(i, '\uFFFD');
            }
        }
        return b.toString();
    }

    private static int indexOfNewline(CharSequence text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    public String source() {
        return source;
    }

    /** 1-based line of the error. */
    public int line() {
        return line;
    }

    /** 1-based column of the error. */
    public int column() {
        return column;
    }

    /** The message without the position and source excerpt. */
    public String detail() {
        return detail;
    }
}
