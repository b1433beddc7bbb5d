/** The compiler module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.compiler {
    requires transitive dev.javelin.dsl;
    requires transitive dev.javelin.passes;
    requires transitive dev.javelin.codegen.simd;
    requires transitive dev.javelin.codegen.cuda;
    requires java.compiler;
    exports dev.javelin.compiler;
    exports dev.javelin.compiler.cpu;
    exports dev.javelin.compiler.cuda;
    exports dev.javelin.compiler.exec;
}
