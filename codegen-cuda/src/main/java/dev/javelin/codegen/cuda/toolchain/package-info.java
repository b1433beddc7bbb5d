/**
 * The CUDA tool chain: compiles generated CUDA C to a module image with NVRTC (through JCuda or
 * {@code java.lang.foreign}) or nvcc, whichever {@link dev.javelin.codegen.cuda.toolchain.CudaCompilers}
 * finds, and keeps compiled images in a {@link dev.javelin.codegen.cuda.toolchain.ModuleCache}. It
 * lives beside the code generator, not in the runtime, so a deployed model needs no compiler.
 */
package dev.javelin.codegen.cuda.toolchain;
