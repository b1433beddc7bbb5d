/**
 * Plan to readable Java source on {@code jdk.incubator.vector}, generated with JavaPoet, one class
 * per plan. Depends on {@code ir} and {@code runtime}. (Code arrives with the CPU backend issue.)
 */
package dev.javelin.codegen.simd;
