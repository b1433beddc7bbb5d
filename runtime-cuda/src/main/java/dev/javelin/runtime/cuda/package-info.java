/**
 * The CUDA runtime: a generated program ({@link dev.javelin.runtime.cuda.CudaProgram}) run by {@link
 * dev.javelin.runtime.cuda.CudaExecutor} over one device memory block on a {@link
 * dev.javelin.runtime.cuda.KernelRunner} (the JCuda driver API, or the host harness in tests). It
 * compiles nothing: modules arrive as images from the tool chain of the CUDA code generator
 * ({@code dev.javelin.codegen.cuda.toolchain}) or from a deployed jar.
 */
package dev.javelin.runtime.cuda;
