package dev.javelin.dsl.data;

import dev.javelin.ir.IrException;

/** A data set is malformed, missing, or failed while a batch was prepared; the message names the file or batch. */
public final class DataException extends IrException {
    /**
     * An error with no cause.
     *
     * @param message what is wrong and which file or batch it is about
     */
    public DataException(String message) {
        super(message);
    }

    /**
     * An error caused by another, such as the {@code IOException} of a file that could not be read.
     *
     * @param message what is wrong and which file or batch it is about
     * @param cause the underlying exception
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
