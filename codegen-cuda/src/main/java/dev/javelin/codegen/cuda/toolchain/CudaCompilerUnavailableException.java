package dev.javelin.codegen.cuda.toolchain;

import dev.javelin.JavelinException;

/** A CUDA compiler cannot be used on this machine; the message says why (what was missing or failed). */
public final class CudaCompilerUnavailableException extends JavelinException {
    public CudaCompilerUnavailableException(String message) {
        super(message);
    }

    public CudaCompilerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
