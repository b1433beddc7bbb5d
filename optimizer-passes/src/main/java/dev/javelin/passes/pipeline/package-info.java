/**
 * The pass manager: {@link dev.javelin.passes.pipeline.Pass}, the options that verify, dump, time
 * and switch off passes ({@link dev.javelin.passes.pipeline.PassOptions}), the per-pass counters,
 * and {@link dev.javelin.passes.pipeline.Pipeline}, the one method that lists the passes in order.
 */
package dev.javelin.passes.pipeline;
