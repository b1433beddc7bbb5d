package dev.javelin.codegen.simd;

import dev.javelin.codegen.loops.Coalesce;
import dev.javelin.ir.kernel.Affine;
import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.kernel.Hazards;
import dev.javelin.ir.kernel.Stage;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.type.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints a loop stage as Java: coalesces the nest, splits the outermost loop into chunks for the
 * pool (a fixed split that depends on the sizes only, so 1 and N threads give the same bits), and
 * vectorizes the innermost loop when every varying part of the body has a vector form, with a
 * scalar tail. A reduction keeps its kept loops outside and reduced loops inside, one accumulator
 * per reduction (a vector accumulator where the innermost reduced loop vectorizes).
 */
final class LoopPrinter {
    /** Elements below which a stage runs on the calling thread alone. */
    static final long PARALLEL_MIN = 1 << 15;
    /** Largest number of chunks a stage is split into. */
    static final int MAX_CHUNKS = 64;

    /**
     * A printed stage: the body of {@code name(int lo, int hi)} over the outermost loop, its
     * chunking, the sizes of the nest as printed, and every load and store over that nest.
     */
    record Printed(String body, long outer, int chunks, long[] sizes, List<Access> accesses) {}

    /** One load or store of a printed nest: the array and its index over the nest's loops. */
    record Access(String array, Affine index, boolean store) {}

    /** The loads and stores of {@code stores}' values and targets. */
    static List<Access> accesses(List<Stage.Store> stores) {
        List<Access> out = new ArrayList<>();
        for (Stage.Store s : stores) {
            out.add(new Access(s.ref().array(), s.index(), true));
            loads(s.value(), out);
        }
        return out;
    }

    static void loads(Expr value, List<Access> out) {
        for (Expr.Load l : Hazards.loads(value)) {
            out.add(new Access(l.ref().array(), l.index(), false));
        }
    }

    private LoopPrinter() {}

    static Printed pointwise(Stage.Pointwise st) {
        List<Expr> values = st.stores().stream().map(Stage.Store::value).toList();
        List<Affine> targets = st.stores().stream().map(Stage.Store::index).toList();
        Set<Affine> affines = Coalesce.affines(values, targets);
        Coalesce.Nest nest =
                Coalesce.nest(st.loop(), 0, st.loop().length, affines, new ArrayList<>(), new ArrayList<>());
        List<Stage.Store> stores = st.stores().stream()
                .map(s -> new Stage.Store(
                        s.ref(), s.index().project(nest.keep()), s.value().mapAffine(a -> a.project(nest.keep()))))
                .toList();
        long[] sizes = nest.sizes();
        int rank = sizes.length;
        StringBuilder b = new StringBuilder();
        long total = product(sizes);
        if (rank == 0) {
            ExprPrinter p = new ExprPrinter(b, "", "x", Map.of());
            storeAll(stores, p, b, "");
            return new Printed(b.toString(), 1, 1, sizes, accesses(stores));
        }
        for (int j = 0; j < rank - 1; j++) {
            b.append("  ".repeat(j)).append(loopHead(j, j == 0 ? "lo" : "0", j == 0 ? "hi" : Long.toString(sizes[j])));
        }
        String in = "  ".repeat(rank - 1);
        int j = rank - 1;
        Map<Expr, Boolean> memo = new HashMap<>();
        List<Expr> vals = stores.stream().map(Stage.Store::value).toList();
        boolean vector = stores.stream()
                .allMatch(s -> Refs.vectorizable(s.ref())
                        && s.index().coef(j) == 1
                        && VectorOps.supported(s.value(), j, memo));
        String lo = j == 0 ? "lo" : "0";
        String hi = j == 0 ? "hi" : Long.toString(sizes[j]);
        if (vector) {
            String sp = rank == 1 ? "F" : species(sizes[j]);
            ExprPrinter outer = openVectorLoop(b, in, j, lo, hi, vals, memo, sp);
            VectorOps vo = new VectorOps(b, in + "  ", outer.names(), memo, j, sp);
            List<String> vs = new ArrayList<>();
            for (Stage.Store s : stores) {
                vs.add(vo.vector(s.value()));
            }
            for (int i = 0; i < stores.size(); i++) {
                b.append(in)
                        .append("  ")
                        .append(vs.get(i))
                        .append(".intoArray(")
                        .append(stores.get(i).ref().array())
                        .append(", ")
                        .append(stores.get(i).index().text())
                        .append(");\n");
            }
            b.append(in).append("}\n");
            openTail(b, in, j, hi);
            storeAll(stores, new ExprPrinter(b, in + "  ", "y", outer.names()), b, in + "  ");
            b.append(in).append("}\n");
        } else {
            b.append(in).append(loopHead(j, lo, hi));
            storeAll(stores, new ExprPrinter(b, in + "  ", "x", Map.of()), b, in + "  ");
            b.append(in).append("}\n");
        }
        for (int k = rank - 2; k >= 0; k--) {
            b.append("  ".repeat(k)).append("}\n");
        }
        return new Printed(b.toString(), sizes[0], chunks(total, sizes[0], rank == 1), sizes, accesses(stores));
    }

    private static void storeAll(List<Stage.Store> stores, ExprPrinter p, StringBuilder b, String in) {
        List<String> names = new ArrayList<>();
        for (Stage.Store s : stores) {
            names.add(p.scalar(s.value()));
        }
        for (int i = 0; i < stores.size(); i++) {
            Stage.Store s = stores.get(i);
            b.append(in)
                    .append(Refs.store(s.ref(), s.index().text(), names.get(i)))
                    .append('\n');
        }
    }

    static Printed reduce(Stage.Reduce st) {
        long[] loop = st.loop();
        int n = loop.length;
        int[] order = new int[n];
        int k = 0;
        for (int d = 0; d < n; d++) {
            if (!st.reduced()[d]) {
                order[k++] = d;
            }
        }
        int keptCount = k;
        for (int d = 0; d < n; d++) {
            if (st.reduced()[d]) {
                order[k++] = d;
            }
        }
        long[] ordered = new long[n];
        for (int i = 0; i < n; i++) {
            ordered[i] = loop[order[i]];
        }
        List<Stage.Accumulate> accs = st.accumulates().stream()
                .map(a -> new Stage.Accumulate(
                        a.fn(), a.ref(), a.index().project(order), a.value().mapAffine(x -> x.project(order))))
                .toList();
        Set<Affine> affines = Coalesce.affines(
                accs.stream().map(Stage.Accumulate::value).toList(),
                accs.stream().map(Stage.Accumulate::index).toList());
        List<Long> sizesOut = new ArrayList<>();
        List<Integer> keepOut = new ArrayList<>();
        Coalesce.nest(ordered, 0, keptCount, affines, sizesOut, keepOut);
        int kept = sizesOut.size();
        Coalesce.Nest nest = Coalesce.nest(ordered, keptCount, n, affines, sizesOut, keepOut);
        long[] sizes = nest.sizes();
        List<Stage.Accumulate> a2 = accs.stream()
                .map(a -> new Stage.Accumulate(
                        a.fn(),
                        a.ref(),
                        a.index().project(nest.keep()),
                        a.value().mapAffine(x -> x.project(nest.keep()))))
                .toList();
        return new ReducePrinter(sizes, kept, a2).print();
    }

    /**
     * Prints, at indentation {@code in}, the parts of {@code values} invariant along loop {@code j}
     * as scalars, then opens the vector loop over {@code v_j} in {@code [lo, hi)} (whole vectors
     * only; {@link #openTail} finishes). Returns the printer holding the invariant scalars' names.
     */
    static ExprPrinter openVectorLoop(
            StringBuilder b,
            String in,
            int j,
            String lo,
            String hi,
            List<Expr> values,
            Map<Expr, Boolean> memo,
            String species) {
        ExprPrinter outer = new ExprPrinter(b, in, "x", Map.of());
        for (Expr e : ExprPrinter.invariantLeaves(values, j, memo)) {
            if (!(e instanceof Expr.Literal)) {
                outer.scalar(e);
            }
        }
        String bound = lo.equals("0")
                ? species + ".loopBound(" + hi + ")"
                : lo + " + " + species + ".loopBound(" + hi + " - " + lo + ")";
        b.append(in).append(String.format("int v%d = %s;\n", j, lo));
        b.append(in)
                .append(String.format("for (int end = %s; v%d < end; v%d += %s.length()) {\n", bound, j, j, species));
        return outer;
    }

    /**
     * The species field a vector loop of {@code extent} iterations runs on: {@code F} (the
     * preferred species), or {@code H} (at most eight lanes) for loops of 8 to 15, so a row of
     * eight (attention's scores per head) is one vector instead of eight scalar iterations where
     * the preferred species has sixteen lanes.
     */
    static String species(long extent) {
        return extent >= 8 && extent < 16 ? "H" : "F";
    }

    /** Opens the scalar tail of a vector loop: the elements of {@code v_j < hi} it left. */
    static void openTail(StringBuilder b, String in, int j, String hi) {
        b.append(in).append(String.format("for (; v%d < %s; v%d++) {\n", j, hi, j));
    }

    static String loopHead(int j, String lo, String hi) {
        return "for (int v" + j + " = " + lo + "; v" + j + " < " + hi + "; v" + j + "++) {\n";
    }

    static long product(long[] sizes) {
        long p = 1;
        for (long s : sizes) {
            p *= s;
        }
        return p;
    }

    /** How many chunks the outermost loop splits into: by the sizes alone, never the thread count. */
    static int chunks(long total, long outer, boolean flat) {
        if (total < PARALLEL_MIN || outer < 2) {
            return 1;
        }
        long byWork = total / (PARALLEL_MIN / 2);
        long c = Math.min(Math.min(byWork, MAX_CHUNKS), flat ? outer / 1024 : outer);
        return (int) Math.max(1, c);
    }

    static String init(ReduceFn fn, DType t) {
        return switch (fn) {
            case SUM -> JavaTypes.literal(t, 0);
            case MAX -> t.isFloat() ? JavaTypes.literal(t, Double.NEGATIVE_INFINITY) : minValue(t);
            case MIN -> t.isFloat() ? JavaTypes.literal(t, Double.POSITIVE_INFINITY) : maxValue(t);
        };
    }

    private static String minValue(DType t) {
        return t == DType.I64 ? "Long.MIN_VALUE" : t == DType.I32 ? "Integer.MIN_VALUE" : "false";
    }

    private static String maxValue(DType t) {
        return t == DType.I64 ? "Long.MAX_VALUE" : t == DType.I32 ? "Integer.MAX_VALUE" : "true";
    }
}
