package dev.javelin.codegen.cuda;

import dev.javelin.codegen.loops.Place;
import dev.javelin.codegen.loops.Stage;
import dev.javelin.ir.op.MatMul;

/**
 * A matrix product stage, kept as its operands until the launches are grouped: {@link
 * LaunchGroups} may hand it the pointwise stage after it as an epilogue, which {@link
 * GemmTemplate} then applies to the output tile in registers.
 */
record CudaGemm(String what, Place a, Place b, Place out, MatMul mm) implements Stage.Custom {}
