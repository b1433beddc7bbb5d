package dev.javelin.codegen.cuda;

import dev.javelin.ir.kernel.Affine;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether stages split into the same rows may run row by row, each row by one block: every access
 * that reaches bytes any of them stores must stay, for one row, inside one window that no other
 * row's accesses enter. Then a stage reads for row {@code i} only what earlier stages stored for
 * row {@code i}, which the same block stored before the barrier, and no block touches another's
 * row. As {@code codegen-java-simd}'s Regions: the accesses share one stride {@code S > 0} (in
 * bytes) along the row loop, and for one row they all fall within {@code S} bytes. With a single
 * row, one block runs everything in order, which is always safe.
 */
final class RowLocality {
    private RowLocality() {}

    static boolean local(List<RowNest> run) {
        if (run.getFirst().rows() == 1) {
            return true;
        }
        List<Reach> all = new ArrayList<>();
        for (RowNest n : run) {
            for (Spans.Access a : Spans.accesses(n.stage())) {
                all.add(Reach.of(a, n));
            }
        }
        for (Reach w : all) {
            if (!w.store) {
                continue;
            }
            for (Reach a : all) {
                if (a.memory.equals(w.memory) && a.overlaps(w) && !a.sameBlock(w)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * One access in bytes: its stride along the row loop, what it reaches for row 0 ({@code low ..
     * high}) and over all rows ({@code first .. last}).
     */
    private record Reach(String memory, boolean store, long stride, long low, long high, long first, long last) {
        static Reach of(Spans.Access a, RowNest n) {
            Affine x = n.project(a.index());
            long[] sizes = n.sizes();
            int size = CudaTypes.size(a.ref().dtype());
            long low = x.constant();
            long high = low;
            for (int j = n.rowLoops(); j < sizes.length; j++) {
                long reach = x.coef(j) * (sizes[j] - 1);
                low += Math.min(0, reach);
                high += Math.max(0, reach);
            }
            long stride = n.rowLoops() == 0 ? 0 : x.coef(0) * size;
            long rows = stride * (n.rows() - 1);
            low *= size;
            high = high * size + size - 1;
            return new Reach(
                    Spans.memory(a.ref()),
                    a.store(),
                    stride,
                    low,
                    high,
                    low + Math.min(0, rows),
                    high + Math.max(0, rows));
        }

        boolean overlaps(Reach o) {
            return first <= o.last && o.first <= last;
        }

        /** Both in one window of {@code stride} bytes per row, the same stride for both. */
        boolean sameBlock(Reach o) {
            return stride > 0 && stride == o.stride && Math.max(high, o.high) - Math.min(low, o.low) < stride;
        }
    }
}
