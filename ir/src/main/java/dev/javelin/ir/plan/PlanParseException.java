package dev.javelin.ir.plan;

import dev.javelin.ir.IrException;

/**
 * Plan text could not be read. The message is {@code source:line: what was expected, what was
 * found}, then the offending line.
 */
public final class PlanParseException extends IrException {
    private final int line;
    private final String detail;

    PlanParseException(String source, int line, String lineText, String detail) {
        super(
                source + ":" + line + ": " + detail + (lineText.isBlank() ? "" : "\n  " + lineText.strip()),
                source + ":" + line,
                null);
        this.line = line;
        this.detail = detail;
    }

    /** 1-based line of the error. */
    public int line() {
        return line;
    }

    /** The message without the position and source line. */
    public String detail() {
        return detail;
    }
}
