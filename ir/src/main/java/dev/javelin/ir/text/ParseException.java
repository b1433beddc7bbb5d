package dev.javelin.ir.text;

import dev.javelin.ir.IrException;

/**
 * The IR text could not be read. The message is {@code source:line:column: what was expected, what
 * was found}, then the offending line with a caret under the column.
 */
public final class ParseException extends IrException {
    private final String source;
    private final int line;
    private final int column;
    private final String detail;

    ParseException(String source, String text, int line, int column, String detail) {
        super(format(source, text, line, column, detail));
        this.source = source;
        this.line = line;
        this.column = column;
        this.detail = detail;
    }

    private static String format(String source, String text, int line, int column, String detail) {
        String[] lines = text.split("\n", -1);
        String src = line >= 1 && line <= lines.length
                ? lines[line - 1].replace('\t', ' ').stripTrailing()
                : "";
        StringBuilder b = new StringBuilder()
                .append(source)
                .append(':')
                .append(line)
                .append(':')
                .append(column);
        b.append(": ").append(detail);
        if (!src.isEmpty()) {
            b.append("\n  ")
                    .append(src)
                    .append("\n  ")
                    .append(" ".repeat(Math.max(0, column - 1)))
                    .append('^');
        }
        return b.toString();
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
