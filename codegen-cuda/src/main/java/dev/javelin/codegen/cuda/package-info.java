/**
 * Plan to CUDA C: a small emitter plus per-target tables; one template per kernel kind with the
 * fused expression spliced in; launch configurations from shapes. Depends on {@code ir} and
 * {@code runtime}. (Code arrives with the CUDA backend issue.)
 */
package dev.javelin.codegen.cuda;
