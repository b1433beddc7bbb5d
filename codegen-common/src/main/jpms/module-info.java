/** The codegen-common module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.codegen.common {
    requires transitive dev.javelin.ir;
    requires transitive dev.javelin.runtime;
    exports dev.javelin.codegen.loops;
}
