/**
 * JMH benchmarks of the CPU backend's kernel kinds (a pointwise chain, row softmax, layer norm, a
 * matrix product with a bias and ReLU epilogue), each fused and unfused, run by {@code
 * scripts/jmh}. {@link dev.javelin.benchmarks.KernelGraphs} builds the graphs, {@link
 * dev.javelin.benchmarks.Variant} compiles one form and counts what it moves, and {@link
 * dev.javelin.benchmarks.KernelKindBench} is what every benchmark shares. Depends on {@code
 * compiler}; nothing depends on it. {@link dev.javelin.benchmarks.OnnxRuntimePeerBench} times
 * mnist-mlp inference against ONNX Runtime Java on the same weights ({@link
 * dev.javelin.benchmarks.OnnxWriter} writes the ONNX model, {@link
 * dev.javelin.benchmarks.MnistMlpPeers} holds both engines); it adds the test models and ONNX
 * Runtime as dependencies.
 */
package dev.javelin.benchmarks;
