/** The processor module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.processor {
    requires dev.javelin.compiler;
    requires com.github.javaparser.core;
    requires com.palantir.javapoet;
    requires java.compiler;
    requires jdk.compiler;
    provides javax.annotation.processing.Processor with dev.javelin.compiler.aot.ModelProcessor;
}
