package dev.javelin.passes.memory;

import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.InPlace;
import dev.javelin.ir.plan.Liveness;
import dev.javelin.ir.plan.Plan;
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
        long lower = 0;
        for (int step = 0; step <= p.kernels().size(); step++) {
            long sum = 0;
            for (var e : live.entrySet()) {
                if (e.getValue().contains(step)) {
                    String over = inPlace.get(e.getKey());
                    boolean sharesWithLiveRead = over != null && live.get(over).contains(step);
                    if (!sharesWithLiveRead) {
                        sum += p.buffer(e.getKey()).alignedBytes();
                    }
                }
            }
            lower = Math.max(lower, sum);
        }
        long noReuse = live.keySet().stream()
                .mapToLong(b -> p.buffer(b).alignedBytes())
                .sum();
        return new MemoryNumbers(p.arenaBytes(), lower, noReuse);
    }
}
