/** The codegen-cuda module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.codegen.cuda {
    requires transitive dev.javelin.codegen.common;
    requires transitive dev.javelin.runtime.cuda;
    requires jcuda;
    exports dev.javelin.codegen.cuda;
    exports dev.javelin.codegen.cuda.toolchain;
}
