/**
 * Runs a compiled program: buffers, devices, kernel launch, sessions and data loading, on the
 * CPU (generated Vector API kernels) and on CUDA (JCuda driver API). It never depends on the IR,
 * the passes or the code generators, so a model compiled ahead of time deploys with this module
 * alone.
 */
package dev.javelin.runtime;
