package dev.javelin.passes.pipeline;

import dev.javelin.ir.IrException;

/** A pass broke the graph (or the pipeline was misconfigured); the message names the pass. */
public final class PassException extends IrException {
    public PassException(String message) {
        super(message);
    }

    public PassException(String message, Throwable cause) {
        super(message, cause);
    }
}
