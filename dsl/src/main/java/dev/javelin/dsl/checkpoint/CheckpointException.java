package dev.javelin.dsl.checkpoint;

import dev.javelin.ir.IrException;

/** A checkpoint cannot be saved or loaded, is malformed, or does not fit the model; the message names the file. */
public final class CheckpointException extends IrException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
