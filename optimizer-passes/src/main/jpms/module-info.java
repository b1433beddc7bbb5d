/** The optimizer-passes module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.passes {
    requires transitive dev.javelin.ir;
    exports dev.javelin.passes.fuse;
    exports dev.javelin.passes.memory;
    exports dev.javelin.passes.pipeline;
}
