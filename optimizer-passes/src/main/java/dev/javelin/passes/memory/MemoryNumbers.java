package dev.javelin.passes.memory;

import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.InPlace;
import dev.javelin.ir.plan.Liveness;
import dev.javelin.ir.plan.Plan;
import java.util.HashMap;
import java.util.Map;

/**
 * The memory figures of a planned plan, as the compile report gives them. All count arena buffers
 * at their aligned sizes ({@link Buffer#alignedBytes()}), the space each really takes, so that
 * {@code lowerBoundBytes <= peakBytes <= noReuseBytes} always holds.
 *
 * @param peakBytes the arena size the planner chose
 * @param lowerBoundBytes the largest sum of buffers live at one step of this kernel order, a
 *     buffer written in place of a dying read ({@link InPlace}) counted once with it: no placement
 *     of these buffers in this order can use less
 * @param noReuseBytes every arena buffer in its own memory
 */
public record MemoryNumbers(long peakBytes, long lowerBoundBytes, long noReuseBytes) {
    public static MemoryNumbers of(Plan p) {
        Map<String, Liveness.Interval> live = Liveness.of(p);
        Map<String, String> inPlace = InPlace.pairs(p);
        Map<String, Long> size = new HashMap<>();
        p.buffers().forEach(b -> size.put(b.name(), b.alignedBytes()));
        // A sweep over the steps: each buffer adds its size from its first step to its last. A buffer
        // written over a read that is still live (the read's last step is its first) is not added
        // at that one shared step.
        long[] delta = new long[p.kernels().size() + 2];
        live.forEach((name, l) -> {
            long bytes = size.get(name);
            String over = inPlace.get(name);
            int from = l.first();
            if (over != null && live.get(over).contains(from)) {
                from++;
            }
            if (from <= l.last()) {
                delta[from] += bytes;
                delta[l.last() + 1] -= bytes;
            }
        });
        long lower = 0;
        long now = 0;
        for (long d : delta) {
            now += d;
            lower = Math.max(lower, now);
        }
        long noReuse = live.keySet().stream().mapToLong(size::get).sum();
        return new MemoryNumbers(p.arenaBytes(), lower, noReuse);
    }
}
