package dev.javelin.ir.kernel;

/** A plan uses something the CPU code generator cannot emit yet; the message names it. */
public final class UnsupportedKernelException extends RuntimeException {
    public UnsupportedKernelException(String message) {
        super(message);
    }
}
