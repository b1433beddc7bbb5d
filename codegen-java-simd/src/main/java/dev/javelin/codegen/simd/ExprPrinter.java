package dev.javelin.codegen.simd;

import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.type.DType;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Prints the expressions of one loop body as Java locals, each distinct subexpression once, in
 * dependency order. Scalar mode prints every node; vector mode prints nodes that vary along the
 * innermost loop as {@code FloatVector}s or masks ({@link VectorOps}) and leaves the invariant ones
 * to the scalar printer of the enclosing scope, broadcasting them where a vector needs them.
 */
final class ExprPrinter {
    private final StringBuilder out;
    private final String indent;
    private final Map<Expr, String> names;
    private final String prefix;
    private int counter;

    ExprPrinter(StringBuilder out, String indent, String prefix, Map<Expr, String> known) {
        this.out = out;
        this.indent = indent;
        this.prefix = prefix;
        this.names = new HashMap<>(known);
    }

    Map<Expr, String> names() {
        return names;
    }

    /** The name of a local holding {@code e}, printing it (and what it needs) first if new. */
    String scalar(Expr e) {
        String have = names.get(e);
        if (have != null) {
            return have;
        }
        String text = switch (e) {
            case Expr.Load l -> Refs.load(l.ref(), l.index().text());
            case Expr.Iota i ->
                ScalarOps.cast(DType.I64, i.dtype(), "((long) (" + i.value().text() + "))");
            case Expr.Literal l -> {
                String lit = JavaTypes.literal(l.dtype(), l.value());
                names.put(e, lit);
                yield null;
            }
            case Expr.Unary u -> JavaTypes.rounded(u.dtype(), ScalarOps.unary(u.fn(), u.dtype(), scalar(u.x())));
            case Expr.Binary b ->
                JavaTypes.rounded(b.dtype(), ScalarOps.binary(b.fn(), b.a().dtype(), scalar(b.a()), scalar(b.b())));
            case Expr.Select s -> "(" + scalar(s.cond()) + " ? " + scalar(s.a()) + " : " + scalar(s.b()) + ")";
            case Expr.Cast c -> JavaTypes.rounded(c.dtype(), ScalarOps.cast(c.x().dtype(), c.dtype(), scalar(c.x())));
            case Expr.Random r -> JavaTypes.rounded(r.dtype(), random(r));
        };
        if (text == null) {
            return names.get(e);
        }
        String name = prefix + counter++;
        out.append(indent)
                .append(JavaTypes.type(e.dtype()))
                .append(' ')
                .append(name)
                .append(" = ")
                .append(text)
                .append(";\n");
        names.put(e, name);
        return name;
    }

    private String random(Expr.Random r) {
        String draw = "Philox." + (r.distribution() == dev.javelin.ir.op.Distribution.UNIFORM ? "uniform" : "normal")
                + "(" + r.seed() + "L, (long) " + scalar(r.offset()) + ", (long) ("
                + r.index().text() + "))";
        return r.dtype() == DType.F32 ? "(float) " + draw : draw;
    }

    /** Whether {@code e} is the same for every value of loop variable {@code j}. */
    static boolean invariant(Expr e, int j, Map<Expr, Boolean> memo) {
        Boolean m = memo.get(e);
        if (m != null) {
            return m;
        }
        boolean r = switch (e) {
            case Expr.Load l -> l.index().coef(j) == 0;
            case Expr.Iota i -> i.value().coef(j) == 0;
            case Expr.Random rn -> rn.index().coef(j) == 0 && invariant(rn.offset(), j, memo);
            case Expr.Literal l -> true;
            default -> e.operands().stream().allMatch(o -> invariant(o, j, memo));
        };
        memo.put(e, r);
        return r;
    }

    /**
     * The largest subexpressions of {@code roots} that do not vary along loop {@code j}: what a
     * vectorized loop computes once, as scalars, before it starts.
     */
    static Set<Expr> invariantLeaves(List<Expr> roots, int j, Map<Expr, Boolean> memo) {
        Set<Expr> out = new LinkedHashSet<>();
        for (Expr r : roots) {
            collect(r, j, memo, out, new java.util.HashSet<>());
        }
        return out;
    }

    private static void collect(Expr e, int j, Map<Expr, Boolean> memo, Set<Expr> out, Set<Expr> seen) {
        if (!seen.add(e)) {
            return;
        }
        if (invariant(e, j, memo)) {
            out.add(e);
            return;
        }
        for (Expr o : e.operands()) {
            collect(o, j, memo, out, seen);
        }
    }
}
