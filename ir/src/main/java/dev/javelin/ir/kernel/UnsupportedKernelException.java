package dev.javelin.ir.kernel;

import dev.javelin.ir.IrException;

/** A plan uses something the CPU code generator cannot emit yet; the message names it. */
public final class UnsupportedKernelException extends IrException {
    public UnsupportedKernelException(String message) {
        super(message);
    }
}
