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
        // A buffer written over a read that is still live (the read's last step is its first) is
        // not counted at that one shared step.
        Map<String, Liveness.Interval> counted = new HashMap<>();
        live.forEach((name, l) -> {
            String over = inPlace.get(name);
            boolean shares = over != null && live.get(over).contains(l.first());
            counted.put(name, shares ? new Liveness.Interval(l.first() + 1, l.last()) : l);
        });
        long lower = Liveness.peak(counted, size::get, p.kernels().size());
        long noReuse = live.keySet().stream().mapToLong(size::get).sum();
        return new MemoryNumbers(p.arenaBytes(), lower, noReuse);
    }
}
