/**
 * The driver that wires the pipeline together: {@link dev.javelin.compiler.Javelin}, the front door
 * for Java code ({@code Javelin.compile(net, options)} gives a {@link
 * dev.javelin.compiler.CompiledModel}); a graph compiled through the passes to a CPU program
 * ({@code cpu}) or a CUDA program ({@code cuda}), the executors' feeds ({@code exec}) and the caches.
 * Depends on every module above it in the pipeline; the {@code @Model} annotation processor
 * ({@code processor} module) and the {@code javelin} command line ({@code cli} module) build on it.
 */
package dev.javelin.compiler;
