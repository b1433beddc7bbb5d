package dev.javelin.codegen.simd;

import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.kernel.Stage;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.type.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a coalesced reduction nest: kept loops outside (the outermost one chunked for the pool),
 * one accumulator per reduction, reduced loops inside. When the innermost loop is reduced and every
 * value vectorizes, each f32 accumulator gets a vector partner summing lanes in a fixed order,
 * folded into the scalar one after the reduced loops. Otherwise, where the innermost kept loop runs
 * along contiguous memory (a column reduction), the lanes run along it instead ({@link #columns}).
 */
final class ReducePrinter {
    private final long[] sizes;
    private final int kept;
    private final List<Stage.Accumulate> accs;

    ReducePrinter(long[] sizes, int kept, List<Stage.Accumulate> accs) {
        this.sizes = sizes;
        this.kept = kept;
        this.accs = accs;
    }

    LoopPrinter.Printed print() {
        int n = sizes.length;
        Map<Expr, Boolean> along = new HashMap<>();
        if (!rowsVectorize(new HashMap<>()) && columnsVectorize(along)) {
            return columns(along);
        }
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < kept; j++) {
            b.append("  ".repeat(j))
                    .append(LoopPrinter.loopHead(j, j == 0 ? "lo" : "0", j == 0 ? "hi" : Long.toString(sizes[j])));
        }
        String in = "  ".repeat(kept);
        int last = n - 1;
        Map<Expr, Boolean> memo = new HashMap<>();
        boolean vector = rowsVectorize(memo);
        for (int i = 0; i < accs.size(); i++) {
            Stage.Accumulate a = accs.get(i);
            DType t = a.value().dtype();
            b.append(in).append(JavaTypes.type(t)).append(" a").append(i).append(" = ");
            b.append(LoopPrinter.init(a.fn(), t)).append(";\n");
            if (vector) {
                b.append(in)
                        .append("FloatVector va")
                        .append(i)
                        .append(" = FloatVector.broadcast(")
                        .append(LoopPrinter.species(sizes[last]))
                        .append(", ");
                b.append(LoopPrinter.init(a.fn(), t)).append(");\n");
            }
        }
        for (int j = kept; j < last; j++) {
            b.append("  ".repeat(j)).append(LoopPrinter.loopHead(j, "0", Long.toString(sizes[j])));
        }
        if (n > kept) {
            String inner = "  ".repeat(last);
            if (vector) {
                vectorLoop(b, inner, last, memo);
            } else {
                b.append(inner).append(LoopPrinter.loopHead(last, "0", Long.toString(sizes[last])));
                accumulate(b, inner + "  ", new ExprPrinter(b, inner + "  ", "x", Map.of()));
                b.append(inner).append("}\n");
            }
        } else {
            accumulate(b, in, new ExprPrinter(b, in, "x", Map.of()));
        }
        for (int j = last - 1; j >= kept; j--) {
            b.append("  ".repeat(j)).append("}\n");
        }
        for (int i = 0; i < accs.size(); i++) {
            Stage.Accumulate a = accs.get(i);
            if (vector) {
                String lanes = "va" + i + ".reduceLanes(VectorOperators."
                        + (a.fn() == ReduceFn.SUM ? "ADD" : a.fn().name()) + ")";
                b.append(in).append("a").append(i).append(" = ").append(combine(a.fn(), "a" + i, lanes));
                b.append(";\n");
            }
            b.append(in).append(Refs.store(a.ref(), a.index().text(), "a" + i)).append('\n');
        }
        for (int j = kept - 1; j >= 0; j--) {
            b.append("  ".repeat(j)).append("}\n");
        }
        long outer = kept == 0 ? 1 : sizes[0];
        long total = LoopPrinter.product(sizes);
        List<LoopPrinter.Access> accesses = new ArrayList<>();
        for (Stage.Accumulate a : accs) {
            accesses.add(new LoopPrinter.Access(a.ref().array(), a.index(), true));
            LoopPrinter.loads(a.value(), accesses);
        }
        return new LoopPrinter.Printed(
                b.toString(), outer, kept == 0 ? 1 : LoopPrinter.chunks(total, outer, false), sizes, accesses);
    }

    /** Whether the innermost reduced loop vectorizes: each f32 value contiguous along it. */
    private boolean rowsVectorize(Map<Expr, Boolean> memo) {
        int last = sizes.length - 1;
        return sizes.length > kept
                && accs.stream()
                        .allMatch(a -> a.value().dtype() == DType.F32 && VectorOps.supported(a.value(), last, memo));
    }

    /**
     * Whether the innermost kept loop vectorizes instead (a column reduction: a bias gradient summed
     * over the batch rows, whose reduced loops stride across rows): every value and every result
     * contiguous along it.
     */
    private boolean columnsVectorize(Map<Expr, Boolean> memo) {
        int j = kept - 1;
        return kept > 0
                && sizes.length > kept
                && accs.stream()
                        .allMatch(a -> a.value().dtype() == DType.F32
                                && Refs.vectorizable(a.ref())
                                && a.index().coef(j) == 1
                                && VectorOps.supported(a.value(), j, memo));
    }

    /**
     * A column reduction: lanes run along the innermost kept loop, one vector accumulator per
     * reduction walks the reduced loops in order and is stored whole; a scalar tail finishes the
     * columns left. Each result element sums in the same order as the scalar loop's, so the bits are
     * the same. The outermost loop splits into chunks of whole vectors where it is the lane loop.
     */
    private LoopPrinter.Printed columns(Map<Expr, Boolean> memo) {
        int n = sizes.length;
        int j = kept - 1;
        long total = LoopPrinter.product(sizes);
        int chunks = LoopPrinter.chunks(total, sizes[0], false);
        if (j == 0) {
            chunks = (int) Math.max(1, Math.min(chunks, sizes[0] / 16));
        }
        StringBuilder b = new StringBuilder();
        for (int d = 0; d < j; d++) {
            b.append("  ".repeat(d))
                    .append(LoopPrinter.loopHead(d, d == 0 ? "lo" : "0", d == 0 ? "hi" : Long.toString(sizes[d])));
        }
        String in = "  ".repeat(j);
        String lo = j == 0 ? "lo" : "0";
        String hi = j == 0 ? "hi" : Long.toString(sizes[j]);
        String sp = LoopPrinter.species(j == 0 ? sizes[0] / chunks : sizes[j]);
        String bound = lo.equals("0")
                ? sp + ".loopBound(" + hi + ")"
                : lo + " + " + sp + ".loopBound(" + hi + " - " + lo + ")";
        b.append(in).append(String.format("int v%d = %s;\n", j, lo));
        b.append(in).append(String.format("for (int end = %s; v%d < end; v%d += %s.length()) {\n", bound, j, j, sp));
        for (int i = 0; i < accs.size(); i++) {
            b.append(in)
                    .append("  FloatVector va")
                    .append(i)
                    .append(" = FloatVector.broadcast(")
                    .append(sp);
            b.append(", ").append(LoopPrinter.init(accs.get(i).fn(), DType.F32)).append(");\n");
        }
        for (int d = kept; d < n; d++) {
            b.append(in).append("  ".repeat(d - j)).append(LoopPrinter.loopHead(d, "0", Long.toString(sizes[d])));
        }
        String inner = in + "  ".repeat(n - j);
        List<Expr> vals = accs.stream().map(Stage.Accumulate::value).toList();
        ExprPrinter invariants = new ExprPrinter(b, inner, "x", Map.of());
        for (Expr e : ExprPrinter.invariantLeaves(vals, j, memo)) {
            if (!(e instanceof Expr.Literal)) {
                invariants.scalar(e);
            }
        }
        VectorOps vo = new VectorOps(b, inner, invariants.names(), memo, j, sp);
        for (int i = 0; i < accs.size(); i++) {
            String v = vo.vector(accs.get(i).value());
            b.append(inner)
                    .append("va")
                    .append(i)
                    .append(" = va")
                    .append(i)
                    .append(vectorOp(accs.get(i).fn()));
            b.append(v).append(");\n");
        }
        for (int d = n - 1; d >= kept; d--) {
            b.append(in).append("  ".repeat(d - j)).append("}\n");
        }
        for (int i = 0; i < accs.size(); i++) {
            Stage.Accumulate a = accs.get(i);
            b.append(in)
                    .append("  va")
                    .append(i)
                    .append(".intoArray(")
                    .append(a.ref().array());
            b.append(", ").append(a.index().text()).append(");\n");
        }
        b.append(in).append("}\n");
        LoopPrinter.openTail(b, in, j, hi);
        scalarColumn(b, in + "  ", j);
        b.append(in).append("}\n");
        for (int d = j - 1; d >= 0; d--) {
            b.append("  ".repeat(d)).append("}\n");
        }
        List<LoopPrinter.Access> accesses = new ArrayList<>();
        for (Stage.Accumulate a : accs) {
            accesses.add(new LoopPrinter.Access(a.ref().array(), a.index(), true));
            LoopPrinter.loads(a.value(), accesses);
        }
        return new LoopPrinter.Printed(b.toString(), sizes[0], chunks, sizes, accesses);
    }

    /** One column of {@link #columns}' scalar tail: scalar accumulators over the reduced loops, stored. */
    private void scalarColumn(StringBuilder b, String in, int j) {
        int n = sizes.length;
        for (int i = 0; i < accs.size(); i++) {
            b.append(in).append("float a").append(i).append(" = ");
            b.append(LoopPrinter.init(accs.get(i).fn(), DType.F32)).append(";\n");
        }
        for (int d = kept; d < n; d++) {
            b.append(in).append("  ".repeat(d - kept)).append(LoopPrinter.loopHead(d, "0", Long.toString(sizes[d])));
        }
        String inner = in + "  ".repeat(n - kept);
        accumulate(b, inner, new ExprPrinter(b, inner, "y", Map.of()));
        for (int d = n - 1; d >= kept; d--) {
            b.append(in).append("  ".repeat(d - kept)).append("}\n");
        }
        for (int i = 0; i < accs.size(); i++) {
            Stage.Accumulate a = accs.get(i);
            b.append(in).append(Refs.store(a.ref(), a.index().text(), "a" + i)).append('\n');
        }
    }

    private static String vectorOp(ReduceFn fn) {
        return switch (fn) {
            case SUM -> ".add(";
            case MAX -> ".max(";
            case MIN -> ".min(";
        };
    }

    private void vectorLoop(StringBuilder b, String in, int j, Map<Expr, Boolean> memo) {
        List<Expr> vals = accs.stream().map(Stage.Accumulate::value).toList();
        String hi = Long.toString(sizes[j]);
        String sp = LoopPrinter.species(sizes[j]);
        ExprPrinter outer = LoopPrinter.openVectorLoop(b, in, j, "0", hi, vals, memo, sp);
        VectorOps vo = new VectorOps(b, in + "  ", outer.names(), memo, j, sp);
        for (int i = 0; i < accs.size(); i++) {
            String v = vo.vector(accs.get(i).value());
            String op = vectorOp(accs.get(i).fn());
            b.append(in)
                    .append("  va")
                    .append(i)
                    .append(" = va")
                    .append(i)
                    .append(op)
                    .append(v)
                    .append(");\n");
        }
        b.append(in).append("}\n");
        LoopPrinter.openTail(b, in, j, hi);
        accumulate(b, in + "  ", new ExprPrinter(b, in + "  ", "y", outer.names()));
        b.append(in).append("}\n");
    }

    private void accumulate(StringBuilder b, String in, ExprPrinter p) {
        for (int i = 0; i < accs.size(); i++) {
            String v = p.scalar(accs.get(i).value());
            b.append(in)
                    .append("a")
                    .append(i)
                    .append(" = ")
                    .append(combine(accs.get(i).fn(), "a" + i, v));
            b.append(";\n");
        }
    }

    private static String combine(ReduceFn fn, String acc, String v) {
        return switch (fn) {
            case SUM -> acc + " + " + v;
            case MAX -> "Math.max(" + acc + ", " + v + ")";
            case MIN -> "Math.min(" + acc + ", " + v + ")";
        };
    }
}
