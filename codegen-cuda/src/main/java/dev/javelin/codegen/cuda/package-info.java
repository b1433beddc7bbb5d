/**
 * Plan to CUDA C: the shared loop lowering ({@code codegen-common}) printed as grid-stride and
 * block-reduction kernels through a CUDA op table, with templates for the heavy nodes (tiled GEMM,
 * window loops, index loops) and launch shapes from the sizes. The output needs no header, so
 * NVRTC, nvcc and the host-execution harness (this module's test jar) compile it as it is.
 */
package dev.javelin.codegen.cuda;
