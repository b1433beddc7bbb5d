package dev.javelin.codegen.cuda.toolchain;

import java.util.regex.Pattern;

/**
 * A compile target: {@code sm_90} asks for a cubin (machine code for that GPU generation),
 * {@code compute_90} for PTX only (the driver finishes it on whichever GPU loads it). Suffixed
 * variants such as {@code sm_90a} pass through unchanged.
 */
public record CudaArch(String name) {
    private static final Pattern VALID = Pattern.compile("(sm|compute)_[1-9][0-9]{1,2}[af]?");

    public CudaArch {
        if (name == null || !VALID.matcher(name).matches()) {
            throw new IllegalArgumentException("CUDA architecture '" + name
                    + "' is not valid: expected sm_<NN> for a cubin (e.g. sm_90) or compute_<NN> for PTX only"
                    + " (e.g. compute_90)");
        }
    }

    /** True for {@code compute_NN}: the compiler stops at PTX. */
    public boolean ptxOnly() {
        return name.startsWith("compute_");
    }

    public CompiledModule.Kind kind() {
        return ptxOnly() ? CompiledModule.Kind.PTX : CompiledModule.Kind.CUBIN;
    }

    @Override
    public String toString() {
        return name;
    }
}
