/**
 * Graph to plan: {@link dev.javelin.passes.lower.Specialize} binds symbolic dimensions to the
 * compile-time sizes, {@link dev.javelin.passes.lower.UnfusedLowering} gives one kernel per
 * primitive (the {@code --no-fusion} plan), {@link dev.javelin.passes.lower.Costs} the kind and
 * FLOPs of each node.
 */
package dev.javelin.passes.lower;
