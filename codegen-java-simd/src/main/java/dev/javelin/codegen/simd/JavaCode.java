package dev.javelin.codegen.simd;

import dev.javelin.ir.kernel.Stage;

/** Hand-written Java for one heavy node (a runtime library call or a special loop), with its comment. */
record JavaCode(String comment, String body) implements Stage.Custom {}
