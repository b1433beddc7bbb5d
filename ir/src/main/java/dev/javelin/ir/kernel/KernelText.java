package dev.javelin.ir.kernel;

import dev.javelin.ir.plan.Kernel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The text form of a lowered kernel, for golden tests, {@code javelin compile --emit} and people: its
 * stages in run order, each a loop nest with its stores (or accumulations) in SSA form, every
 * subexpression named once ({@code e3 = exp(e2)}) so shared subexpressions print once. An access
 * prints as {@code array.dtype[index]}, the index an affine function of the loop variables {@code
 * v0, v1, ...} (element, not byte, offsets); {@code m} (or a typed view of it) is the program
 * memory. A backend's own stage (a library call or template) prints its comment.
 *
 * <pre>
 * kernel k2_reduce_max_sub_exp (reduction)
 *   stage 0: reduce [32, 10] over (1)
 *     e0 = m.f32[1024 + 10 * v0 + v1]
 *     m.f32[64 + v0] max= e0
 *   stage 1: loop [32, 10]
 *     ...
 * </pre>
 */
public final class KernelText {
    private KernelText() {}

    /** Every kernel of {@code plan} as {@code lowered} holds it, in plan order. */
    public static String print(dev.javelin.ir.plan.Plan plan, KernelInterpreter.Lowered lowered) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < plan.kernels().size(); k++) {
            b.append(print(plan.kernels().get(k), lowered.stages().get(k)));
        }
        return b.toString();
    }

    public static String print(Kernel k, List<Stage> stages) {
        StringBuilder b = new StringBuilder();
        b.append("kernel ")
                .append(k.name())
                .append(" (")
                .append(k.kind().text())
                .append(")\n");
        for (int s = 0; s < stages.size(); s++) {
            b.append("  stage ").append(s).append(": ");
            switch (stages.get(s)) {
                case Stage.Pointwise p -> {
                    b.append("loop ").append(dims(p.loop())).append('\n');
                    Names names = new Names(b);
                    for (Stage.Store st : p.stores()) {
                        String v = names.of(st.value());
                        b.append("    ")
                                .append(access(st.ref(), st.index()))
                                .append(" = ")
                                .append(v)
                                .append('\n');
                    }
                }
                case Stage.Reduce r -> {
                    b.append("reduce ").append(dims(r.loop())).append(" over (");
                    String sep = "";
                    for (int d = 0; d < r.reduced().length; d++) {
                        if (r.reduced()[d]) {
                            b.append(sep).append(d);
                            sep = ", ";
                        }
                    }
                    b.append(")\n");
                    Names names = new Names(b);
                    for (Stage.Accumulate a : r.accumulates()) {
                        String v = names.of(a.value());
                        b.append("    ")
                                .append(access(a.ref(), a.index()))
                                .append(' ')
                                .append(a.fn().text())
                                .append("= ")
                                .append(v)
                                .append('\n');
                    }
                }
                case Stage.Custom c ->
                    b.append("custom: ").append(c.comment().replace("\n", " ")).append('\n');
            }
        }
        return b.toString();
    }

    private static String dims(long[] loop) {
        return java.util.Arrays.stream(loop).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    static String access(Ref r, Affine index) {
        return r.array() + "." + r.dtype().text() + "[" + index.text() + "]";
    }

    /** Names each subexpression of one stage once, printing its definition when first met. */
    private static final class Names {
        private final StringBuilder out;
        private final Map<Expr, String> named = new LinkedHashMap<>();

        Names(StringBuilder out) {
            this.out = out;
        }

        String of(Expr e) {
            String done = named.get(e);
            if (done != null) {
                return done;
            }
            String def = switch (e) {
                case Expr.Load l -> access(l.ref(), l.index());
                case Expr.Literal l -> literal(l);
                case Expr.Iota i -> "iota." + i.dtype().text() + "(" + i.value().text() + ")";
                case Expr.Random r ->
                    "random." + r.dtype().text() + "(" + r.distribution().mnemonic() + ", seed " + r.seed()
                            + ", offset " + of(r.offset()) + ", " + r.index().text() + ")";
                case Expr.Unary u -> u.fn().text() + "(" + of(u.x()) + ")";
                case Expr.Binary x -> x.fn().text() + "(" + of(x.a()) + ", " + of(x.b()) + ")";
                case Expr.Select s -> "select(" + of(s.cond()) + ", " + of(s.a()) + ", " + of(s.b()) + ")";
                case Expr.Cast c -> "cast." + c.dtype().text() + "(" + of(c.x()) + ")";
            };
            if (e instanceof Expr.Literal) {
                return def; // literals are read in place
            }
            String name = "e" + named.size();
            named.put(e, name);
            out.append("    ").append(name).append(" = ").append(def).append('\n');
            return name;
        }

        private static String literal(Expr.Literal l) {
            double v = l.value();
            boolean whole = v == Math.rint(v)
                    && Math.abs(v) < 1e15
                    && Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(-0.0);
            String text = whole ? Long.toString((long) v) : Double.toString(v);
            return text + "." + l.dtype().text();
        }
    }
}
