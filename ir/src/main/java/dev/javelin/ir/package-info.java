/**
 * The graph IR, the root of the pipeline; depends on the JDK only. It owns tensor types ({@code
 * type}), the sealed set of primitive ops with their typing rules ({@code op}), graphs and their
 * builder ({@code graph}), the exact text form ({@code text}), the verifier ({@code verify}), the
 * float64 reference interpreter every backend is tested against ({@code interp}), host arrays and
 * {@code .npy} files ({@code value}, {@code npy}), Philox random numbers ({@code random}),
 * Graphviz export ({@code dot}), the IR layer's settings ({@code config}) and reverse-mode
 * autodiff as a graph transformation ({@code autodiff}), and the plan IR that the passes produce
 * and the codegens consume, with its text form, verifier and interpreter ({@code plan}).
 */
package dev.javelin.ir;
