package dev.javelin.runtime.cuda;

import dev.javelin.JavelinException;
import jcuda.driver.CUresult;

/** A CUDA driver call failed; the message names the call, the CUDA error and what was being done. */
public final class CudaException extends JavelinException {
    private static final long serialVersionUID = 1L;

    private final int result;

    public CudaException(String message, int result) {
        super(message);
        this.result = result;
    }

    /** The driver's result code ({@code CUresult}). */
    public int result() {
        return result;
    }

    /**
     * Whether the error leaves the context unusable: after a kernel faults, every later call in this
     * process returns the same error, so the process must restart to use the GPU again.
     */
    public boolean sticky() {
        return isSticky(result);
    }

    static boolean isSticky(int result) {
        return switch (result) {
            case CUresult.CUDA_ERROR_ILLEGAL_ADDRESS,
                    CUresult.CUDA_ERROR_LAUNCH_FAILED,
                    CUresult.CUDA_ERROR_LAUNCH_TIMEOUT,
                    CUresult.CUDA_ERROR_ILLEGAL_INSTRUCTION,
                    CUresult.CUDA_ERROR_MISALIGNED_ADDRESS,
                    CUresult.CUDA_ERROR_INVALID_ADDRESS_SPACE,
                    CUresult.CUDA_ERROR_INVALID_PC,
                    CUresult.CUDA_ERROR_HARDWARE_STACK_ERROR,
                    CUresult.CUDA_ERROR_ASSERT -> true;
            default -> false;
        };
    }
}
