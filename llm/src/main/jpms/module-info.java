/** The llm module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.llm {
    requires transitive dev.javelin.dsl;
    requires transitive dev.javelin.compiler;
    exports dev.javelin.llm;
    exports dev.javelin.llm.gpt2;
    exports dev.javelin.llm.llama;
    exports dev.javelin.llm.tokenizer;
    exports dev.javelin.llm.train;
}
