package dev.javelin.ir;

import dev.javelin.JavelinException;

/**
 * Base of every error the IR (and the DSL, the passes and the code generators above it) reports
 * about a user's model or file. Messages say what was expected, what was found, and where; the CLI
 * prints them as one line without a stack trace.
 */
public class IrException extends JavelinException {
    public IrException(String message) {
        super(message);
    }

    public IrException(String message, Throwable cause) {
        super(message, cause);
    }

    /** An error about {@code position} (a DSL line or an IR text position; null: none). */
    public IrException(String message, String position, Throwable cause) {
        super(message, position, cause);
    }
}
