/**
 * What both code generators share: lowering one plan kernel into the kernel IR ({@link
 * dev.javelin.ir.kernel}). Pointwise work and views stay lazy and are inlined into their
 * consumers; only writes, reductions and heavy nodes are stored ({@link
 * dev.javelin.codegen.loops.KernelBuilder}). Each backend supplies where buffers live, its heavy-op
 * templates and its choices through {@link dev.javelin.codegen.loops.LoweringTarget}, and prints
 * the stages in its own language.
 */
package dev.javelin.codegen.loops;
