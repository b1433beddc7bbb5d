/** The codegen-java-simd module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.codegen.simd {
    requires transitive dev.javelin.codegen.common;
    requires com.palantir.javapoet;
    requires java.compiler;
    exports dev.javelin.codegen.simd;
}
