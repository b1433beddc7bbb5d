package dev.javelin.codegen.loops;

import dev.javelin.ir.kernel.MemoryLayout;
import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.runtime.ProgramLayout;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The runtime's view of a plan: buffers by name at byte offsets of the program memory, bindings, kernels. */
public final class Layouts {
    private Layouts() {}

    public static ProgramLayout of(Plan plan, MemoryLayout memory) {
        List<ProgramLayout.Slot> slots = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Buffer b : plan.buffers()) {
            if (seen.add(b.name())) {
                long[] shape = b.type().shape().dims().stream()
                        .mapToLong(d -> d.size())
                        .toArray();
                slots.add(new ProgramLayout.Slot(
                        b.name(),
                        b.type().dtype().text(),
                        shape,
                        memory.byteOffset(b.name()),
                        b.storage().text()));
            }
        }
        List<ProgramLayout.Bind> binds = plan.bindings().stream()
                .map(b -> new ProgramLayout.Bind(b.role().text(), b.name(), b.buffer()))
                .toList();
        List<ProgramLayout.Step> kernels = new ArrayList<>();
        for (Kernel k : plan.kernels()) {
            kernels.add(
                    new ProgramLayout.Step(k.name(), plan.isLoadTime(k), k.flops(), k.bytesRead() + k.bytesWritten()));
        }
        var arena = new ProgramLayout.Arena(
                memory.arenaOffset(), memory.arenaBytes(), memory.plannedArenaBytes(), memory.lowerBound());
        return new ProgramLayout(plan.name(), memory.bytes(), slots, binds, kernels, arena);
    }
}
