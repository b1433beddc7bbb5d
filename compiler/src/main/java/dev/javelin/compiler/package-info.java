/**
 * The driver that wires the pipeline together: {@code Javelin.compile(...)}, the caches, the
 * {@code @Model} annotation processor and the {@code javelin} command line ({@code cli}). Depends
 * on every module above it in the pipeline.
 */
package dev.javelin.compiler;
