package dev.javelin.runtime.cpu;

/**
 * A generated CPU program: its kernels, bound at construction to the program memory (a float[]
 * laid out as its {@link dev.javelin.runtime.ProgramLayout} says) and a {@link CpuPool}. Generated classes have a
 * public constructor {@code (float[] memory, CpuPool pool)}.
 */
public interface CpuKernels {
    int kernelCount();

    String kernelName(int k);

    /** Runs kernel {@code k} over the memory. */
    void run(int k);
}
