package dev.javelin.codegen.cuda;

import dev.javelin.codegen.loops.Coalesce;
import dev.javelin.ir.kernel.Affine;
import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.kernel.Stage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A loop stage's nest split into rows and the elements of a row: the row loops first, then the
 * rest, each part coalesced among itself. A reduction's rows are its kept points, the rest its
 * reduced elements; a pointwise stage's rows are its leading loops. Loop {@code i} of the nest is
 * the stage's loop {@code keep[i]}, so an index of the stage becomes {@code index.project(keep)}.
 */
record RowNest(Stage stage, long[] sizes, int[] keep, int rowLoops) {
    long rows() {
        return CudaStagePrinter.product(sizes, 0, rowLoops);
    }

    long perRow() {
        return CudaStagePrinter.product(sizes, rowLoops, sizes.length);
    }

    Affine project(Affine a) {
        return a.project(keep);
    }

    /** A reduction's kept loops (in order) as rows, its reduced loops as the row's elements. */
    static RowNest of(Stage.Reduce st) {
        boolean[] reduced = st.reduced();
        int[] order = new int[reduced.length];
        int kept = 0;
        for (int d = 0; d < reduced.length; d++) {
            if (!reduced[d]) {
                order[kept++] = d;
            }
        }
        int k = kept;
        for (int d = 0; d < reduced.length; d++) {
            if (reduced[d]) {
                order[k++] = d;
            }
        }
        List<Expr> values =
                st.accumulates().stream().map(Stage.Accumulate::value).toList();
        List<Affine> targets =
                st.accumulates().stream().map(Stage.Accumulate::index).toList();
        return split(st, st.loop(), order, kept, Coalesce.affines(values, targets));
    }

    /** A pointwise stage whose first {@code rowDims} loops are the rows. */
    static RowNest of(Stage.Pointwise st, int rowDims) {
        List<Expr> values = st.stores().stream().map(Stage.Store::value).toList();
        List<Affine> targets = st.stores().stream().map(Stage.Store::index).toList();
        int[] order = new int[st.loop().length];
        for (int d = 0; d < order.length; d++) {
            order[d] = d;
        }
        return split(st, st.loop(), order, rowDims, Coalesce.affines(values, targets));
    }

    /** Loops reordered by {@code order}, the first {@code rowDims} coalesced as rows, the rest after them. */
    private static RowNest split(Stage st, long[] loop, int[] order, int rowDims, Set<Affine> affines) {
        long[] sizes = new long[loop.length];
        for (int i = 0; i < order.length; i++) {
            sizes[i] = loop[order[i]];
        }
        Set<Affine> reordered = new java.util.LinkedHashSet<>();
        affines.forEach(a -> reordered.add(a.project(order)));
        List<Long> outSizes = new ArrayList<>();
        List<Integer> outKeep = new ArrayList<>();
        Coalesce.nest(sizes, 0, rowDims, reordered, outSizes, outKeep);
        int rowLoops = outSizes.size();
        Coalesce.Nest nest = Coalesce.nest(sizes, rowDims, sizes.length, reordered, outSizes, outKeep);
        int[] keep = new int[nest.keep().length];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = order[nest.keep()[i]];
        }
        return new RowNest(st, nest.sizes(), keep, rowLoops);
    }
}
