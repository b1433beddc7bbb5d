package dev.javelin.runtime.cuda;

/**
 * One launch of a generated CUDA function: the plan kernel it belongs to, the {@code extern "C"}
 * function name, grid and block sizes (x, y, z), dynamic shared memory bytes, and whether it runs
 * only when parameters changed (a load-time kernel). Every generated function takes one argument:
 * {@code char* m}, the base of the program's device memory block.
 */
public record CudaLaunch(
        String kernel,
        String function,
        int gridX,
        int gridY,
        int gridZ,
        int blockX,
        int blockY,
        int blockZ,
        int sharedBytes,
        boolean loadTime) {
    public CudaLaunch {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockY < 1 || blockZ < 1 || sharedBytes < 0) {
            throw new IllegalArgumentException("launch of " + function + ": grid " + gridX + "x" + gridY + "x" + gridZ
                    + ", block " + blockX + "x" + blockY + "x" + blockZ + ", shared " + sharedBytes
                    + " bytes; every size must be at least 1");
        }
    }

    public long threads() {
        return (long) gridX * gridY * gridZ * blockX * blockY * blockZ;
    }

    /** For error messages: {@code k3_s0 (kernel k3, grid 4x1x1, block 256x1x1)}. */
    public String describe() {
        return function + " (kernel " + kernel + ", grid " + gridX + "x" + gridY + "x" + gridZ + ", block " + blockX
                + "x" + blockY + "x" + blockZ + ")";
    }
}
