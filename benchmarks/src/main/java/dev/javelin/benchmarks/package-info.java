/**
 * JMH benchmarks of the CPU backend's kernel kinds (a pointwise chain, row softmax, layer norm, a
 * matrix product with a bias and ReLU epilogue), each fused and unfused, run by {@code
 * scripts/jmh}. {@link dev.javelin.benchmarks.KernelGraphs} builds the graphs, {@link
 * dev.javelin.benchmarks.Variant} compiles one form and counts what it moves, and {@link
 * dev.javelin.benchmarks.KernelKindBench} is what every benchmark shares. Depends on {@code
 * compiler}; nothing depends on it.
 */
package dev.javelin.benchmarks;
