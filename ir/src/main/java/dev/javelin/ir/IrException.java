package dev.javelin.ir;

/**
 * Base of every error the IR reports about a user's model or file. Messages say what was expected,
 * what was found, and where; the CLI prints them as one line without a stack trace.
 */
public class IrException extends RuntimeException {
    public IrException(String message) {
        super(message);
    }

    public IrException(String message, Throwable cause) {
        super(message, cause);
    }
}
