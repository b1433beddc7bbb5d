package dev.javelin.codegen.cuda.toolchain;

/** A CUDA compiler cannot be used on this machine; the message says why (what was missing or failed). */
public final class CudaCompilerUnavailableException extends RuntimeException {
    public CudaCompilerUnavailableException(String message) {
        super(message);
    }

    public CudaCompilerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
