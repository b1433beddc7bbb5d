package dev.javelin.ir.config;

import java.util.List;

/**
 * Every setting of Javelin's IR layer, in one place; {@code docs/flags.md} documents them and a
 * test keeps that page in step with this list.
 */
public final class Flags {
    private Flags() {}

    /**
     * Verify every graph a {@code GraphBuilder} builds and check that its text form prints, parses
     * back equal and prints again identically. On in every test run; off by default because it
     * costs a print and a parse per graph.
     */
    public static final Flag<Boolean> IR_SELF_CHECK = Flag.bool(
            "javelin.ir.selfcheck",
            false,
            "Verify every built graph and memory-planned plan and check their text forms round-trip (on in"
                    + " tests).");

    /**
     * Where the CPU backend caches compiled kernel classes, keyed by a hash of the plan text and the
     * versions; empty means {@code ~/.cache/javelin/cpu}, {@code off} disables the cache.
     */
    public static final Flag<String> CPU_CACHE = Flag.string(
            "javelin.cpu.cache",
            "",
            "Folder of the CPU backend's compiled-class cache (default ~/.cache/javelin/cpu; 'off' disables it).");

    /** A folder to write every generated CPU program's Java source into, for reading and debugging. */
    public static final Flag<String> CPU_DUMP = Flag.string(
            "javelin.cpu.dump", "", "Write the Java source of every generated CPU program into this folder.");

    /** Which CUDA compiler the CUDA backend uses: auto (JCuda's NVRTC, then NVRTC through java.lang.foreign, then nvcc). */
    public static final Flag<String> CUDA_COMPILER = Flag.string(
            "javelin.cuda.compiler",
            "auto",
            "CUDA compiler: auto, jcuda, nvrtc (java.lang.foreign) or nvcc (auto tries them in that order).");

    /** Where libnvrtc is (a file or a folder); empty means searched for (docs/cuda-compilers.md). */
    public static final Flag<String> CUDA_NVRTC = Flag.string(
            "javelin.cuda.nvrtc", "", "libnvrtc.so.* file or folder for the NVRTC binding (default: searched for).");

    /** Where the CUDA backend caches compiled modules; empty means ~/.cache/javelin/cuda, off disables it. */
    public static final Flag<String> CUDA_CACHE = Flag.string(
            "javelin.cuda.cache",
            "",
            "Folder of the CUDA backend's compiled-module cache (default ~/.cache/javelin/cuda; 'off' disables it).");

    /** A folder to write every generated CUDA program's source and launch manifest into. */
    public static final Flag<String> CUDA_DUMP = Flag.string(
            "javelin.cuda.dump", "", "Write every generated CUDA program (.cu and launch manifest) into this folder.");

    /** All flags, for documentation and listing. */
    public static List<Flag<?>> all() {
        return List.of(IR_SELF_CHECK, CPU_CACHE, CPU_DUMP, CUDA_COMPILER, CUDA_NVRTC, CUDA_CACHE, CUDA_DUMP);
    }
}
