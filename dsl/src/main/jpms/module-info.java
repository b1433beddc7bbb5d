/** The dsl module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.dsl {
    requires transitive dev.javelin.ir;
    requires tools.jackson.core;
    exports dev.javelin.dsl;
    exports dev.javelin.dsl.checkpoint;
    exports dev.javelin.dsl.data;
    exports dev.javelin.dsl.init;
    exports dev.javelin.dsl.json;
    exports dev.javelin.dsl.nn;
    exports dev.javelin.dsl.optim;
    exports dev.javelin.dsl.train;
    uses dev.javelin.dsl.train.ModelProvider;
}
