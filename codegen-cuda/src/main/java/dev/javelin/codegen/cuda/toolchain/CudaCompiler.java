package dev.javelin.codegen.cuda.toolchain;

import java.util.List;

/**
 * Compiles CUDA C into a module the driver loads. Three implementations, chosen by
 * {@link CudaCompilers#select}: NVRTC through JCuda, NVRTC through {@code java.lang.foreign}, and
 * the {@code nvcc} executable. Every compile uses C++17 and IEEE-accurate math (no fast math).
 * Implementations are safe to call from several threads.
 */
public interface CudaCompiler {
    /** What compiles and how it is reached, e.g. {@code nvrtc (java.lang.foreign, /path/libnvrtc.so.13)}. */
    String name();

    /** The compiler's version, e.g. {@code 13.0}. */
    String version();

    /** {@link #name()} and {@link #version()} in one string, as logs and modules record it. */
    default String describe() {
        return name() + " " + version();
    }

    /**
     * Compiles {@code source} for {@code arch}: {@code sm_NN} gives a cubin, {@code compute_NN} PTX.
     * {@code fileName} is the name errors are reported against.
     *
     * @throws CudaCompileException when the source does not compile, with the log and the source lines
     *     around each error
     */
    default CompiledModule compile(String source, String fileName, String arch) {
        return compile(source, fileName, arch, List.of());
    }

    /** As {@link #compile(String, String, String)}, with extra options such as {@code -lineinfo}. */
    CompiledModule compile(String source, String fileName, String arch, List<String> options);
}
