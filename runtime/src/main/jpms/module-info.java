/** The runtime module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.runtime {
    requires transitive dev.javelin.annotations;
    requires transitive jdk.incubator.vector;
    exports dev.javelin.runtime;
    exports dev.javelin.runtime.cpu;
}
