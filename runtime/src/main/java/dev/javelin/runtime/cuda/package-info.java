/**
 * The CUDA side of the runtime: a generated program ({@link dev.javelin.runtime.cuda.CudaProgram})
 * run by {@link dev.javelin.runtime.cuda.CudaExecutor} over one device memory block on a {@link
 * dev.javelin.runtime.cuda.KernelRunner} (the JCuda driver API, or the host harness in tests); the
 * CUDA compilers (NVRTC through JCuda or {@code java.lang.foreign}, nvcc) and the module cache.
 */
package dev.javelin.runtime.cuda;
