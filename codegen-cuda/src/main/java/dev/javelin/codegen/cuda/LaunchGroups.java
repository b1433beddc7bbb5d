package dev.javelin.codegen.cuda;

import dev.javelin.codegen.loops.Val;
import dev.javelin.ir.kernel.Affine;
import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.kernel.Ref;
import dev.javelin.ir.kernel.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which consecutive stages of a plan kernel run as one launch. A launch boundary is a device-wide
 * barrier: everything before it is written before anything after it reads. Stages join one launch
 * only where they need no such barrier between them:
 *
 * <ul>
 *   <li><b>Epilogue</b>: a template that computes each result element in one thread's registers
 *       ({@link ElementTemplate}: the matrix product, direct convolution and its input gradient,
 *       pooling and its gradient) and the pointwise stage after it over the result's shape,
 *       reading the result only at the element it computes and storing nothing the template reads
 *       or other result elements, run as the template with that stage applied to each element in
 *       registers.
 *   <li><b>Rows</b>: stages that split into the same rows (a reduction's kept points; a pointwise
 *       stage's leading loops), where every access that reaches bytes any of them stores stays in
 *       the window of its row (the CPU's region rule, {@code codegen-java-simd} Regions): a block
 *       owns a row and runs the stages in turn with a block barrier between them. At least one is
 *       a reduction, and no pointwise stage has more than {@link #ROW_WORK} elements per row (or
 *       the longest reduced row, if longer), so a single row of a scalar result does not run a
 *       large loop in one block.
 *   <li><b>Ranges</b>: stages none of which stores bytes another loads or stores (the per-tensor
 *       loops of a multi-tensor update): each gets its own range of the grid's blocks.
 * </ul>
 *
 * Anything else (a custom template, a stage that depends on another's result across rows) stays
 * a launch of its own.
 */
final class LaunchGroups {
    /** Most elements per row of a pointwise stage in a row group (when no reduced row is longer). */
    static final long ROW_WORK = 1024;

    private LaunchGroups() {}

    sealed interface Group {}

    record Single(Stage stage) implements Group {}

    /** A template with the pointwise stage after it applied to each element it computes. */
    record Fused(ElementTemplate template, Epilogue epilogue) implements Group {}

    record Rows(long rows, List<RowNest> stages) implements Group {}

    record Ranges(List<Stage> stages) implements Group {}

    static List<Group> of(List<Stage> stages) {
        return of(stages, List.of());
    }

    /**
     * The launches of one kernel's stages; {@code scratch}: the byte ranges {@code [from, to)} of
     * the program memory that are the kernel's own scratch (nothing outside the kernel reads them).
     */
    static List<Group> of(List<Stage> stages, List<long[]> scratch) {
        List<Group> out = new ArrayList<>();
        int i = 0;
        while (i < stages.size()) {
            Stage s = stages.get(i);
            if (s instanceof ElementTemplate t
                    && i + 1 < stages.size()
                    && stages.get(i + 1) instanceof Stage.Pointwise p
                    && epilogue(t, p)) {
                boolean stored = readLater(t.out(), stages.subList(i + 2, stages.size()), scratch);
                out.add(new Fused(t, new Epilogue(p, stored)));
                i += 2;
                continue;
            }
            List<RowNest> rows = rows(stages, i);
            int ranges = ranges(stages, i);
            if (rows.size() > 1 && rows.size() > ranges - i) {
                out.add(new Rows(rows.getFirst().rows(), rows));
                i += rows.size();
            } else if (ranges - i > 1) {
                out.add(new Ranges(List.copyOf(stages.subList(i, ranges))));
                i = ranges;
            } else {
                out.add(new Single(s));
                i++;
            }
        }
        return out;
    }

    /** Whether {@code p} can run on each element {@code t} computes, in registers (see the class). */
    static boolean epilogue(ElementTemplate t, Stage.Pointwise p) {
        Place out = t.out();
        int r = out.shape().length;
        if (!Arrays.equals(p.loop(), out.shape())) {
            return false;
        }
        Affine element = out.index(Val.identity(r), r);
        Expr product = new Expr.Load(out.ref(), element);
        Spans.Span result = Spans.of(out);
        List<Spans.Span> operands = t.reads().stream().map(Spans::of).toList();
        for (Spans.Access a : Spans.accesses(p)) {
            Spans.Span span = Spans.of(a.ref(), a.index(), p.loop());
            if (!a.store() && span.overlaps(result) && !new Expr.Load(a.ref(), a.index()).equals(product)) {
                return false; // reads a result element another thread computes
            }
            if (a.store() && operands.stream().anyMatch(span::overlaps)) {
                return false; // overwrites an operand other blocks may still read
            }
            if (a.store()
                    && span.overlaps(result)
                    && !(a.ref().equals(out.ref()) && a.index().equals(element))) {
                return false; // stores over result elements other blocks store
            }
        }
        return true;
    }

    /** Whether a later stage of the kernel reads {@code out} (or it is a buffer of the plan, read after). */
    private static boolean readLater(Place out, List<Stage> later, List<long[]> scratch) {
        Spans.Span result = Spans.of(out);
        if (out.ref().kind() == Ref.Kind.MEMORY
                && scratch.stream().noneMatch(r -> r[0] <= result.first() && result.last() < r[1])) {
            return true;
        }
        for (Stage st : later) {
            if (!(st instanceof Stage.Pointwise || st instanceof Stage.Reduce)) {
                return true; // a template: its reads are not records
            }
            for (Spans.Access a : Spans.accesses(st)) {
                if (!a.store() && Spans.of(a.ref(), a.index(), Spans.loop(st)).overlaps(result)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean loop(Stage s) {
        return s instanceof Stage.Pointwise || s instanceof Stage.Reduce;
    }

    /** The end (exclusive) of the longest run of mutually independent loop stages from {@code from}. */
    static int ranges(List<Stage> stages, int from) {
        int end = from;
        while (end < stages.size() && loop(stages.get(end))) {
            Stage next = stages.get(end);
            boolean free = true;
            for (int k = from; k < end && free; k++) {
                free = independent(stages.get(k), next);
            }
            if (!free) {
                break;
            }
            end++;
        }
        return end;
    }

    /** Neither stage stores bytes the other loads or stores. */
    static boolean independent(Stage x, Stage y) {
        List<Spans.Span[]> xs = spans(x);
        List<Spans.Span[]> ys = spans(y);
        for (Spans.Span[] a : xs) {
            for (Spans.Span[] b : ys) {
                boolean store = a[1] != null || b[1] != null;
                if (store && a[0].overlaps(b[0])) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Each access's span, with a second non-null entry marking a store. */
    private static List<Spans.Span[]> spans(Stage st) {
        List<Spans.Span[]> out = new ArrayList<>();
        for (Spans.Access a : Spans.accesses(st)) {
            Spans.Span s = Spans.of(a.ref(), a.index(), Spans.loop(st));
            out.add(new Spans.Span[] {s, a.store() ? s : null});
        }
        return out;
    }

    /** The longest run of stages from {@code from} that may share a launch row by row (see the class). */
    static List<RowNest> rows(List<Stage> stages, int from) {
        long rows = -1;
        for (int k = from; k < stages.size() && loop(stages.get(k)); k++) {
            if (stages.get(k) instanceof Stage.Reduce r) {
                rows = RowNest.of(r).rows();
                break;
            }
        }
        List<RowNest> best = List.of();
        if (rows < 0) {
            return best;
        }
        List<RowNest> run = new ArrayList<>();
        for (int k = from; k < stages.size(); k++) {
            RowNest n = nest(stages.get(k), rows);
            if (n == null) {
                break;
            }
            run.add(n);
            if (!RowLocality.local(run)) {
                break;
            }
            if (run.stream().anyMatch(x -> x.stage() instanceof Stage.Reduce) && withinWork(run)) {
                best = List.copyOf(run);
            }
        }
        return best;
    }

    /** {@code st} split into {@code rows} rows of one row loop at most, or null where it cannot be. */
    private static RowNest nest(Stage st, long rows) {
        RowNest n = switch (st) {
            case Stage.Reduce r -> RowNest.of(r);
            case Stage.Pointwise p -> {
                long[] loop = p.loop();
                long product = 1;
                int d = 0;
                while (product < rows && d < loop.length) {
                    product *= loop[d++];
                }
                yield product == rows ? RowNest.of(p, d) : null;
            }
            default -> null;
        };
        return n != null && n.rows() == rows && n.rowLoops() <= 1 ? n : null;
    }

    private static boolean withinWork(List<RowNest> run) {
        long reduced = 0;
        for (RowNest n : run) {
            if (n.stage() instanceof Stage.Reduce) {
                reduced = Math.max(reduced, n.perRow());
            }
        }
        long limit = Math.max(ROW_WORK, reduced);
        return run.stream().allMatch(n -> !(n.stage() instanceof Stage.Pointwise) || n.perRow() <= limit);
    }
}
