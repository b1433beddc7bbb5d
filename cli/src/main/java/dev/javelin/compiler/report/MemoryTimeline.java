package dev.javelin.compiler.report;

import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Liveness;
import dev.javelin.ir.plan.Plan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The arena memory a plan uses over its kernel order: at step {@code i} (kernel i, and the copy-out
 * after the last kernel), the bytes of the arena buffers live then (from the kernel that writes one
 * to the last that reads it). Parameters, inputs and packed weights live outside the arena and are
 * not counted.
 */
public final class MemoryTimeline {
    private MemoryTimeline() {}

    /**
     * Arena bytes in use at steps {@code 0 .. kernels} (the last is the copy-out): the union of the
     * placed ranges of the buffers live then, so a buffer written in place of a dying read is
     * counted once with it, as the memory planner placed them.
     */
    public static long[] liveBytes(Plan plan) {
        int steps = plan.kernels().size() + 1;
        List<List<long[]>> ranges = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            ranges.add(new ArrayList<>());
        }
        long unplaced = Long.MIN_VALUE / 2; // a plan not memory-planned yet: every buffer its own range
        for (Map.Entry<String, Liveness.Interval> e : Liveness.of(plan).entrySet()) {
            Buffer b = plan.buffer(e.getKey());
            long start = b.isPlaced() ? b.offset() : unplaced;
            unplaced += b.isPlaced() ? 0 : b.alignedBytes();
            for (int i = e.getValue().first(); i <= e.getValue().last(); i++) {
                ranges.get(i).add(new long[] {start, start + b.alignedBytes()});
            }
        }
        long[] live = new long[steps];
        for (int i = 0; i < steps; i++) {
            List<long[]> r = ranges.get(i);
            r.sort((a, c) -> Long.compare(a[0], c[0]));
            long end = Long.MIN_VALUE;
            for (long[] range : r) {
                if (range[0] >= end) {
                    live[i] += range[1] - range[0];
                    end = range[1];
                } else if (range[1] > end) {
                    live[i] += range[1] - end;
                    end = range[1];
                }
            }
        }
        return live;
    }

    /** The step with the most live bytes (the first such). */
    public static int peakStep(long[] live) {
        int best = 0;
        for (int i = 1; i < live.length; i++) {
            if (live[i] > live[best]) {
                best = i;
            }
        }
        return best;
    }
}
