package dev.javelin.codegen.simd;

import java.util.ArrayList;
import java.util.List;

/**
 * Which consecutive loop stages of a kernel run as one parallel region: one call of the pool whose
 * tasks each run their chunk of every stage in turn, instead of one call (and one hand-off to the
 * workers and back) per stage. A softmax over rows is four stages (max, exp, sum, divide) that all
 * walk the same rows; as a region it is one pool call.
 *
 * <p>Running chunk by chunk gives the stage-by-stage result when everything any of the stages
 * writes is touched, by every load and store of all of them that reaches it, only in the block of
 * the outer index being run: those accesses share one stride {@code S > 0} along the outer loop,
 * and for one outer index all of them fall within one window of {@code S} elements. Then a stage reads, for outer
 * index {@code i}, only what earlier stages wrote for {@code i}, which the same task wrote just
 * before, and no task touches another task's block. The stages must also split the outer loop the
 * same way (the same extent and chunk count), so the chunk boundaries are the same.
 */
final class Regions {
    private Regions() {}

    /**
     * The end (exclusive) of the longest run of loop stages from {@code from} that may share one
     * region; {@code from + 1} when the stage stands alone. {@code printed} holds null for stages
     * that are not loops.
     */
    static int end(List<LoopPrinter.Printed> printed, int from) {
        LoopPrinter.Printed first = printed.get(from);
        int end = from + 1;
        if (first.chunks() < 2) {
            return end;
        }
        while (end < printed.size()) {
            LoopPrinter.Printed next = printed.get(end);
            if (next == null
                    || next.outer() != first.outer()
                    || next.chunks() != first.chunks()
                    || !blockLocal(printed.subList(from, end + 1))) {
                break;
            }
            end++;
        }
        return end;
    }

    /**
     * Whether every store and every access overlapping it stay in the block of the outer index (see
     * the class). Accesses are compared by the elements they reach, not by array: the generated
     * code keeps most buffers in one array at different offsets.
     */
    static boolean blockLocal(List<LoopPrinter.Printed> run) {
        List<Reach> all = new ArrayList<>();
        for (LoopPrinter.Printed p : run) {
            for (LoopPrinter.Access a : p.accesses()) {
                all.add(Reach.of(a, p.sizes()));
            }
        }
        for (Reach w : all) {
            if (!w.store) {
                continue;
            }
            for (Reach a : all) {
                if (a.array.equals(w.array) && a.overlaps(w) && !a.sameBlock(w)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * One access over its nest: the stride along the outer loop, the offsets it reaches for one
     * outer index ({@code low .. high}), and all it reaches over the whole nest ({@code first ..
     * last}).
     */
    private record Reach(String array, boolean store, long stride, long low, long high, long first, long last) {
        static Reach of(LoopPrinter.Access a, long[] sizes) {
            long low = a.index().constant();
            long high = low;
            for (int j = 1; j < sizes.length; j++) {
                long reach = a.index().coef(j) * (sizes[j] - 1);
                low += Math.min(0, reach);
                high += Math.max(0, reach);
            }
            long stride = sizes.length == 0 ? 0 : a.index().coef(0);
            long outer = sizes.length == 0 ? 0 : stride * (sizes[0] - 1);
            return new Reach(
                    a.array(), a.store(), stride, low, high, low + Math.min(0, outer), high + Math.max(0, outer));
        }

        boolean overlaps(Reach o) {
            return first <= o.last && o.first <= last;
        }

        /** Both in one window of {@code stride} elements per outer index, the same for both. */
        boolean sameBlock(Reach o) {
            return stride > 0 && stride == o.stride && Math.max(high, o.high) - Math.min(low, o.low) < stride;
        }
    }
}
