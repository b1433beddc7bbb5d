package dev.javelin.ir.npy;

import dev.javelin.ir.IrException;

/** A {@code .npy} file could not be read or written; the message names the file and the problem. */
public final class NpyException extends IrException {
    public NpyException(String message) {
        super(message);
    }
}
