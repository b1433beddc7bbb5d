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
 * folded into the scalar one after the reduced loops.
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
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < kept; j++) {
            b.append("  ".repeat(j))
                    .append(LoopPrinter.loopHead(j, j == 0 ? "lo" : "0", j == 0 ? "hi" : Long.toString(sizes[j])));
        }
        String in = "  ".repeat(kept);
        int last = n - 1;
        Map<Expr, Boolean> memo = new HashMap<>();
        boolean vector = n > kept
                && accs.stream()
                        .allMatch(a -> a.value().dtype() == DType.F32 && VectorOps.supported(a.value(), last, memo));
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

    private void vectorLoop(StringBuilder b, String in, int j, Map<Expr, Boolean> memo) {
        List<Expr> vals = accs.stream().map(Stage.Accumulate::value).toList();
        String hi = Long.toString(sizes[j]);
        String sp = LoopPrinter.species(sizes[j]);
        ExprPrinter outer = LoopPrinter.openVectorLoop(b, in, j, "0", hi, vals, memo, sp);
        VectorOps vo = new VectorOps(b, in + "  ", outer.names(), memo, j, sp);
        for (int i = 0; i < accs.size(); i++) {
            String v = vo.vector(accs.get(i).value());
            String op = switch (accs.get(i).fn()) {
                case SUM -> ".add(";
                case MAX -> ".max(";
                case MIN -> ".min(";
            };
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
