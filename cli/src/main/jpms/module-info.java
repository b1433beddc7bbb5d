/** The cli module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.cli {
    requires transitive dev.javelin.compiler;
    requires dev.javelin.llm;
    requires dev.javelin.onnx;
    // javelin bench --onnx --peer onnxruntime, when its jar is on the path (a provided dependency)
    requires static com.microsoft.onnxruntime;
    requires info.picocli;
    requires org.jfree.jfreechart;
    requires java.desktop;
    exports dev.javelin.compiler.cli;
    opens dev.javelin.compiler.cli to info.picocli;
    uses dev.javelin.dsl.train.ModelProvider;
}
