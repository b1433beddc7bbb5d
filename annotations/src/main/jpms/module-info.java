/** The annotations module; compiled as a named module by the jpms profile (see docs/ARCHITECTURE.md). */
module dev.javelin.annotations {
    exports dev.javelin;
    exports dev.javelin.annotations;
}
