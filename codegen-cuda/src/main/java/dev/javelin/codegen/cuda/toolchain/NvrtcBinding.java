package dev.javelin.codegen.cuda.toolchain;

import java.util.List;

/**
 * The few NVRTC calls a compile needs, behind one interface so the compile flow in
 * {@link NvrtcCompiler} is written once for both ways of reaching libnvrtc: JCuda's JNI binding
 * and Javelin's own {@code java.lang.foreign} binding. Result codes are NVRTC's {@code nvrtcResult}.
 */
interface NvrtcBinding {
    int SUCCESS = 0;

    /** How libnvrtc is reached, e.g. {@code java.lang.foreign, /usr/local/cuda/lib64/libnvrtc.so.13}. */
    String describe();

    /** {@code nvrtcVersion}: major and minor. */
    int[] version();

    /** {@code nvrtcGetErrorString}. */
    String errorString(int result);

    /** {@code nvrtcCreateProgram} with no headers; fails with the NVRTC error when creation fails. */
    Program create(String source, String fileName);

    /** One NVRTC program; {@link #close()} destroys it and frees whatever memory the call needed. */
    interface Program extends AutoCloseable {
        /** {@code nvrtcCompileProgram}; returns the result code (a compile error is not an exception here). */
        int compile(List<String> options);

        /** {@code nvrtcGetProgramLog} without its terminating NUL. */
        String log();

        /** {@code nvrtcGetPTX} without its terminating NUL. */
        byte[] ptx();

        /** {@code nvrtcGetCUBIN}. */
        byte[] cubin();

        @Override
        void close();
    }
}
