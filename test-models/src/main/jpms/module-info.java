/** The test-models module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.models {
    requires transitive dev.javelin.dsl;
    requires dev.javelin.annotations;
    requires dev.javelin.runtime; // the @Model facades run on it
    exports dev.javelin.models;
    provides dev.javelin.dsl.train.ModelProvider with dev.javelin.models.TestModels;
}
