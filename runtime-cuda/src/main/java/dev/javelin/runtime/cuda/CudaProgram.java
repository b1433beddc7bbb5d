package dev.javelin.runtime.cuda;

import dev.javelin.runtime.ProgramLayout;
import java.util.List;

/**
 * A generated CUDA program, without the IR: the memory layout of its block (buffers, bindings,
 * plan kernels in run order), the CUDA C source, the launches that implement the plan kernels in
 * run order, the bytes to write once when the block is created (constants), and the checks its
 * kernels report through the status word (index checks of gather and scatter-add).
 *
 * <p>The status word: {@code statusOffset} holds four {@code long long}s that a failing check
 * writes: the check's number plus one, the offending index, the position where it was found, and
 * the valid size. Zero means every check passed.
 */
public record CudaProgram(
        ProgramLayout layout,
        String source,
        List<CudaLaunch> launches,
        List<Fill> fills,
        long statusOffset,
        List<String> checks) {
    /** Bytes written at {@code offset} of the block when it is created. */
    public record Fill(long offset, byte[] bytes) {}

    public CudaProgram {
        launches = List.copyOf(launches);
        fills = List.copyOf(fills);
        checks = List.copyOf(checks);
    }

    /** The distinct function names, in first-launch order (what the module must export). */
    public List<String> functions() {
        return launches.stream().map(CudaLaunch::function).distinct().toList();
    }
}
