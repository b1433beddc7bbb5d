package dev.javelin.codegen.cuda.toolchain;

import java.util.List;

/**
 * One compile, checked once so every compiler sees valid input: the CUDA C source, the file name
 * the compiler reports errors against, the target and the caller's extra options (e.g.
 * {@code -lineinfo}, {@code -DJAVELIN_X}). The options every compile gets are in {@link #STANDARD_OPTIONS}.
 */
record CompileRequest(String source, String fileName, CudaArch arch, List<String> options) {
    /**
     * C++17 for every compiler alike. No {@code --use_fast_math}: its approximate division, square
     * root and exponentials would break the accuracy the tests hold every backend to.
     */
    static final List<String> STANDARD_OPTIONS = List.of("-std=c++17");

    CompileRequest {
        if (source == null) {
            throw new IllegalArgumentException("CUDA source of " + fileName + " is null");
        }
        if (fileName == null || fileName.isBlank() || fileName.contains("\n") || fileName.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("CUDA source file name '" + fileName + "' must be one non-blank line");
        }
        if (options == null) {
            throw new IllegalArgumentException("options of " + fileName + " are null; pass List.of() for none");
        }
        for (String option : options) {
            if (option == null || option.isBlank()) {
                throw new IllegalArgumentException(
                        "options of " + fileName + " hold a null or blank option: " + options);
            }
        }
        options = List.copyOf(options);
    }

    static CompileRequest of(String source, String fileName, String arch, List<String> options) {
        return new CompileRequest(source, fileName, new CudaArch(arch), options);
    }
}
