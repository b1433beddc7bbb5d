package dev.javelin.codegen.cuda.toolchain;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A compiled CUDA module, ready for the driver's {@code cuModuleLoadData}: PTX text with its
 * terminating NUL, or a cubin (an ELF file). Also says what made it and how: the target, the
 * compiler's name and version, its log (warnings; empty when clean) and how long it took.
 */
public record CompiledModule(byte[] image, Kind kind, String arch, String compiler, String log, long compileMillis) {
    public enum Kind {
        /** NUL-terminated PTX assembly text. */
        PTX,
        /** An ELF cubin for one GPU generation. */
        CUBIN
    }

    private static final byte[] ELF_MAGIC = {0x7f, 'E', 'L', 'F'};

    public CompiledModule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(compiler, "compiler");
        Objects.requireNonNull(log, "log");
        new CudaArch(arch);
        if (image == null || image.length == 0) {
            throw new IllegalArgumentException(kind + " image for " + arch + " from " + compiler + " is empty");
        }
        if (kind == Kind.PTX && image[image.length - 1] != 0) {
            throw new IllegalArgumentException("PTX image for " + arch + " from " + compiler
                    + " does not end with a NUL; cuModuleLoadData reads PTX as a C string");
        }
        if (kind == Kind.CUBIN && !startsWith(image, ELF_MAGIC)) {
            throw new IllegalArgumentException(
                    "cubin image for " + arch + " from " + compiler + " does not start with the ELF magic 7f 45 4c 46");
        }
        if (compileMillis < 0) {
            throw new IllegalArgumentException("compile time " + compileMillis + " ms is negative");
        }
        image = image.clone();
    }

    /** A copy of the image bytes (the record keeps its own). */
    @Override
    public byte[] image() {
        return image.clone();
    }

    public int imageSize() {
        return image.length;
    }

    /** The PTX text without its terminating NUL. */
    public String ptx() {
        if (kind != Kind.PTX) {
            throw new IllegalStateException("module for " + arch + " is a cubin, not PTX");
        }
        return new String(image, 0, image.length - 1, StandardCharsets.UTF_8);
    }

    /** PTX text as {@code cuModuleLoadData} wants it: the bytes and a terminating NUL. */
    static byte[] nulTerminated(byte[] ptx) {
        int length = ptx.length;
        while (length > 0 && ptx[length - 1] == 0) {
            length--;
        }
        return Arrays.copyOf(ptx, length + 1);
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        return bytes.length >= prefix.length && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CompiledModule m
                && Arrays.equals(image, m.image)
                && kind == m.kind
                && arch.equals(m.arch)
                && compiler.equals(m.compiler)
                && log.equals(m.log)
                && compileMillis == m.compileMillis;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(image), kind, arch, compiler, log, compileMillis);
    }

    @Override
    public String toString() {
        return "CompiledModule[" + kind + " for " + arch + ", " + image.length + " bytes, " + compiler + ", "
                + compileMillis + " ms" + (log.isBlank() ? "" : ", with a log") + "]";
    }
}
