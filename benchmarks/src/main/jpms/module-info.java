/** The benchmarks module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.benchmarks {
    requires dev.javelin.cli;
    requires dev.javelin.models;
    requires jmh.core;
    requires com.microsoft.onnxruntime;
    exports dev.javelin.benchmarks;
    exports dev.javelin.benchmarks.jmh_generated;
}
