/** The ir module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.ir {
    requires transitive dev.javelin.annotations;
    exports dev.javelin.ir;
    exports dev.javelin.ir.autodiff;
    exports dev.javelin.ir.config;
    exports dev.javelin.ir.dot;
    exports dev.javelin.ir.graph;
    exports dev.javelin.ir.interp;
    exports dev.javelin.ir.io;
    exports dev.javelin.ir.kernel;
    exports dev.javelin.ir.npy;
    exports dev.javelin.ir.op;
    exports dev.javelin.ir.plan;
    exports dev.javelin.ir.random;
    exports dev.javelin.ir.text;
    exports dev.javelin.ir.type;
    exports dev.javelin.ir.value;
    exports dev.javelin.ir.verify;
}
