/** The runtime-cuda module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.runtime.cuda {
    requires transitive dev.javelin.runtime;
    requires jcuda;
    exports dev.javelin.runtime.cuda;
}
