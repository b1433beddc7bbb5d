package dev.javelin.codegen.simd;

import dev.javelin.runtime.ProgramLayout;

/** Java source of one compiled plan (class {@code className}) and the memory layout its kernels assume. */
public record GeneratedProgram(String className, String source, ProgramLayout layout) {}
