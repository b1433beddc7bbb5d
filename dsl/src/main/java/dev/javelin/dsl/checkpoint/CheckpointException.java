package dev.javelin.dsl.checkpoint;

import dev.javelin.ir.IrException;

/** A checkpoint cannot be saved or loaded, is malformed, or does not fit the model; the message names the file. */
public final class CheckpointException extends IrException {
    /**
     * An error with no cause.
     *
     * @param message what is wrong and which file it is about
     */
    public CheckpointException(String message) {
        super(message);
    }

    /**
     * An error caused by another, such as the {@code IOException} of a failed read or write.
     *
     * @param message what is wrong and which file it is about
     * @param cause the underlying exception
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
