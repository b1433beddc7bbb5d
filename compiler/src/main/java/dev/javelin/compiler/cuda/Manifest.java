package dev.javelin.compiler.cuda;

import dev.javelin.runtime.ProgramLayout;
import dev.javelin.runtime.cuda.CudaLaunch;
import dev.javelin.runtime.cuda.CudaProgram;
import java.util.Arrays;
import java.util.Locale;

/**
 * A generated CUDA program's manifest, for people and tools: the memory block, every buffer with
 * its offset and role, and the launches in run order with their shapes.
 */
public final class Manifest {
    private Manifest() {}

    public static String text(CudaProgram p) {
        ProgramLayout l = p.layout();
        StringBuilder b = new StringBuilder();
        b.append("# Javelin CUDA program ").append(l.name()).append('\n');
        b.append("memory_bytes ").append(l.memoryBytes()).append('\n');
        b.append("status_offset ").append(p.statusOffset()).append('\n');
        ProgramLayout.Arena a = l.arena();
        b.append("# arena zone: offset, bytes (planned buffers, scratch, constants), planned arena, lower bound\n");
        b.append("arena ")
                .append(a.offset())
                .append(' ')
                .append(a.bytes())
                .append(' ')
                .append(a.planned())
                .append(' ')
                .append(a.lowerBound())
                .append('\n');
        b.append("# buffers: name dtype shape byte_offset storage\n");
        for (ProgramLayout.Slot s : l.slots()) {
            b.append("buffer ").append(s.name()).append(' ').append(s.dtype()).append(' ');
            b.append(Arrays.toString(s.shape()).replace(" ", ""))
                    .append(' ')
                    .append(s.byteOffset())
                    .append(' ');
            b.append(s.storage()).append('\n');
        }
        b.append("# bindings: role name buffer\n");
        for (ProgramLayout.Bind x : l.bindings()) {
            b.append("bind ")
                    .append(x.role())
                    .append(' ')
                    .append(x.name())
                    .append(' ')
                    .append(x.buffer())
                    .append('\n');
        }
        b.append("# launches in run order: function kernel grid block shared_bytes when\n");
        for (CudaLaunch x : p.launches()) {
            b.append(String.format(
                    Locale.ROOT,
                    "launch %s %s %dx%dx%d %dx%dx%d %d %s%n",
                    x.function(),
                    x.kernel(),
                    x.gridX(),
                    x.gridY(),
                    x.gridZ(),
                    x.blockX(),
                    x.blockY(),
                    x.blockZ(),
                    x.sharedBytes(),
                    x.loadTime() ? "load-time" : "every-step"));
        }
        return b.toString();
    }
}
