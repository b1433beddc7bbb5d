package dev.javelin.passes.memory;

import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Liveness;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.Storage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives every arena buffer an offset in one arena: liveness over the kernel order ({@link
 * Liveness}), then offline best fit. Buffers are placed largest first (ties: earlier first write,
 * then declaration order, so the result is deterministic); each goes into the smallest gap, among
 * the already placed buffers whose lifetimes meet its own, that holds it, or above the highest of
 * them. Offsets and sizes are multiples of {@link Buffer#ALIGNMENT}. Inputs and parameters
 * (parameters and optimizer state) live outside the arena and are untouched. In-place reuse of a
 * dying input by a pointwise kernel is not done yet: a kernel's reads and writes never share bytes.
 */
public final class MemoryPlanner {
    private MemoryPlanner() {}

    private record Placed(long offset, long end, Liveness.Interval live) {}

    public static Plan plan(Plan p) {
        Map<String, Liveness.Interval> live = Liveness.of(p);
        List<Buffer> order = new ArrayList<>();
        for (Buffer b : p.buffers()) {
            if (b.storage() == Storage.ARENA) {
                if (!live.containsKey(b.name())) {
                    throw new IllegalArgumentException("plan " + p.name() + ": arena buffer %" + b.name()
                            + " is written by no kernel; expected every arena buffer to be computed");
                }
                order.add(b);
            }
        }
        Map<String, Integer> declared = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            declared.put(order.get(i).name(), i);
        }
        order.sort(Comparator.comparingLong(Buffer::alignedBytes)
                .reversed()
                .thenComparingInt(b -> live.get(b.name()).first())
                .thenComparingInt(b -> declared.get(b.name())));
        List<Placed> placed = new ArrayList<>();
        Map<String, Long> offsets = new HashMap<>();
        long arena = 0;
        for (Buffer b : order) {
            Liveness.Interval l = live.get(b.name());
            long offset = bestFit(placed, l, b.alignedBytes());
            placed.add(new Placed(offset, offset + b.alignedBytes(), l));
            offsets.put(b.name(), offset);
            arena = Math.max(arena, offset + b.alignedBytes());
        }
        List<Buffer> out = p.buffers().stream()
                .map(b -> b.storage() == Storage.ARENA ? b.at(offsets.get(b.name())) : b)
                .toList();
        return p.withMemory(out, arena);
    }

    /** The start of the smallest gap that holds {@code size} among the buffers live with {@code l}. */
    private static long bestFit(List<Placed> placed, Liveness.Interval l, long size) {
        List<Placed> conflicts = placed.stream()
                .filter(q -> q.live().overlaps(l) && q.end() > q.offset())
                .sorted(Comparator.comparingLong(Placed::offset))
                .toList();
        long best = -1;
        long bestGap = Long.MAX_VALUE;
        long cursor = 0;
        for (Placed q : conflicts) {
            long gap = q.offset() - cursor;
            if (gap >= size && gap < bestGap) {
                best = cursor;
                bestGap = gap;
            }
            cursor = Math.max(cursor, q.end());
        }
        return best >= 0 ? best : cursor;
    }
}
