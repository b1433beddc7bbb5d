/**
 * The kernel IR, the third level: what lowering makes of one plan kernel and both renderers print.
 * A kernel is a list of {@link dev.javelin.ir.kernel.Stage}s in run order — loop nests ({@code
 * Pointwise}, {@code Reduce}) whose element expressions ({@link dev.javelin.ir.kernel.Expr}) read
 * and write strided places of memory through affine indices ({@link dev.javelin.ir.kernel.Affine}),
 * and a backend's own template ({@code Custom}) for a library call — over a memory block laid out
 * by {@link dev.javelin.ir.kernel.MemoryLayout}, which also plans every kernel's scratch. {@link
 * dev.javelin.ir.kernel.KernelText} is its text form, {@link dev.javelin.ir.kernel.KernelCheck}
 * its verifier and {@link dev.javelin.ir.kernel.KernelInterpreter} its reference semantics; {@link
 * dev.javelin.ir.kernel.Hazards} says when loops may share a pass over memory.
 */
package dev.javelin.ir.kernel;
