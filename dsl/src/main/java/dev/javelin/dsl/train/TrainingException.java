package dev.javelin.dsl.train;

import dev.javelin.ir.IrException;

/** Training cannot go on with what it was given: initial values that do not fit, labels out of range. */
public final class TrainingException extends IrException {
    /**
     * An error with no cause.
     *
     * @param message what is wrong
     */
    public TrainingException(String message) {
        super(message);
    }

    /**
     * An error caused by another.
     *
     * @param message what is wrong
     * @param cause the underlying exception
     */
    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
