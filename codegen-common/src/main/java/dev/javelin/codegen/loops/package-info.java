/**
 * What both code generators share: one plan kernel lowered to stages, loop nests whose element
 * expressions ({@link dev.javelin.codegen.loops.Expr}) read and write strided places of memory
 * through affine indices ({@link dev.javelin.codegen.loops.Affine}). Pointwise work and views stay
 * lazy and are inlined into their consumers; only writes, reductions and heavy nodes are stored.
 * Each backend prints the stages in its own language and supplies its own heavy-op templates
 * through {@link dev.javelin.codegen.loops.LoweringTarget}.
 */
package dev.javelin.codegen.loops;
