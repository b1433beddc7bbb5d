/** The onnx module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.onnx {
    requires transitive dev.javelin.ir;
    requires com.google.protobuf;
    requires dev.javelin.dsl; // dev.javelin.dsl.json for tokenizer.json
    exports dev.javelin.onnx;
}
