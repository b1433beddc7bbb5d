package dev.javelin.dsl.train;

import dev.javelin.ir.IrException;

/** Training cannot go on with what it was given: initial values that do not fit, labels out of range. */
public final class TrainingException extends IrException {
    public TrainingException(String message) {
        super(message);
    }

    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
