package dev.javelin.dsl.data;

import dev.javelin.ir.IrException;

/** A data set is malformed, missing, or failed while a batch was prepared; the message names the file or batch. */
public final class DataException extends IrException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
