package dev.javelin.codegen.cuda;

import dev.javelin.ir.kernel.Stage;

/**
 * One generated {@code __global__} function with its launch shape: a heavy node's template, or a
 * printed loop stage. {@code source} names the function {@value #NAME}; the program assembler
 * replaces it with {@code <kernel>_s<stage>}.
 */
record CudaFunction(String comment, String source, long gridX, int gridY, int gridZ, int block, int sharedBytes)
        implements Stage.Custom {
    static final String NAME = "@NAME@";

    /** A grid of more than 2^31 - 1 blocks in x, or more than 65535 in y or z, cannot launch. */
    CudaFunction {
        if (gridX < 1 || gridX > Integer.MAX_VALUE || gridY < 1 || gridY > 65535 || gridZ < 1 || gridZ > 65535) {
            throw new dev.javelin.ir.kernel.UnsupportedKernelException("a CUDA grid of " + gridX + "x" + gridY + "x"
                    + gridZ + " blocks is out of range (" + comment + ")");
        }
    }
}
