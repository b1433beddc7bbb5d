package dev.javelin.codegen.simd;

import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.type.DType;
import java.util.HashMap;
import java.util.Map;

/**
 * The vector table: f32 expressions varying along the innermost loop as {@code FloatVector}s
 * ({@code F} is the preferred species, {@code H} at most eight lanes for short loops), bools as {@code VectorMask<Float>}. Invariant operands are
 * scalars broadcast once. What has no vector form here (sign, floor, integer math, pow with C99
 * special cases) keeps the loop scalar; erf calls {@code CpuMath.erf(FloatVector)}.
 */
final class VectorOps {
    private final StringBuilder out;
    private final String indent;
    private final Map<Expr, String> scalars;
    private final Map<Expr, Boolean> invariant;
    private final int loop;
    private final String species;
    private final Map<Expr, String> names = new HashMap<>();
    private int counter;

    /** {@code species}: the generated class's species field the loop runs on ({@link LoopPrinter#species}). */
    VectorOps(
            StringBuilder out,
            String indent,
            Map<Expr, String> scalars,
            Map<Expr, Boolean> invariant,
            int loop,
            String species) {
        this.out = out;
        this.indent = indent;
        this.scalars = scalars;
        this.invariant = invariant;
        this.loop = loop;
        this.species = species;
    }

    /** The class's all-zeros and all-ones vectors of this loop's species. */
    private String zero() {
        return species.equals("F") ? "ZERO" : "ZERO_" + species;
    }

    private String one() {
        return species.equals("F") ? "ONE" : "ONE_" + species;
    }

    /** Whether every varying node of {@code e} has a vector form along loop {@code j}. */
    static boolean supported(Expr e, int j, Map<Expr, Boolean> memo) {
        if (ExprPrinter.invariant(e, j, memo)) {
            return e.dtype() == DType.F32 || e.dtype() == DType.BOOL;
        }
        boolean self = switch (e) {
            case Expr.Load l -> Refs.vectorizable(l.ref()) && l.index().coef(j) == 1;
            case Expr.Iota i -> false;
            case Expr.Random r -> false;
            case Expr.Literal l -> true;
            case Expr.Unary u ->
                switch (u.fn()) {
                    case NEG, ABS, EXP, EXPM1, LOG, LOG1P, SQRT, RSQRT, RECIPROCAL, TANH, SIGMOID, ERF, SIN, COS ->
                        u.dtype() == DType.F32;
                    case NOT -> u.dtype() == DType.BOOL;
                    default -> false;
                };
            case Expr.Binary b ->
                switch (b.fn()) {
                    case ADD, SUB, MUL, DIV, MAX, MIN, EQ, NE, LT, LE, GT, GE -> b.a().dtype() == DType.F32;
                    case AND, OR -> b.a().dtype() == DType.BOOL;
                    case POW -> false;
                };
            case Expr.Select s -> s.dtype() == DType.F32;
            case Expr.Cast c ->
                (c.x().dtype() == DType.BOOL && c.dtype() == DType.F32)
                        || (c.x().dtype() == DType.F32 && c.dtype() == DType.BOOL)
                        || c.x().dtype() == c.dtype();
        };
        return self && e.operands().stream().allMatch(o -> supported(o, j, memo));
    }

    /** The name of a vector (or mask) local holding {@code e}. */
    String vector(Expr e) {
        String have = names.get(e);
        if (have != null) {
            return have;
        }
        boolean mask = e.dtype() == DType.BOOL;
        String text;
        if (invariant.get(e) == Boolean.TRUE || e instanceof Expr.Literal) {
            String s = e instanceof Expr.Literal l ? JavaTypes.literal(l.dtype(), l.value()) : scalars.get(e);
            text = mask ? species + ".maskAll(" + s + ")" : "FloatVector.broadcast(" + species + ", " + s + ")";
        } else {
            text = switch (e) {
                case Expr.Load l ->
                    "FloatVector.fromArray(" + species + ", " + l.ref().array() + ", "
                            + l.index().text() + ")";
                case Expr.Unary u -> unary(u);
                case Expr.Binary b -> binary(b);
                case Expr.Select s -> vector(s.b()) + ".blend(" + vector(s.a()) + ", " + vector(s.cond()) + ")";
                case Expr.Cast c ->
                    c.x().dtype() == c.dtype()
                            ? vector(c.x())
                            : c.dtype() == DType.F32
                                    ? zero() + ".blend(" + one() + ", " + vector(c.x()) + ")"
                                    : vector(c.x()) + ".compare(VectorOperators.NE, 0f)";
                case Expr.Iota i -> throw new IllegalStateException("iota has no vector form");
                case Expr.Random r -> throw new IllegalStateException("random has no vector form");
                case Expr.Literal l -> throw new IllegalStateException("unreachable");
            };
        }
        String name = "w" + loop + "_" + counter++;
        out.append(indent)
                .append(mask ? "VectorMask<Float> " : "FloatVector ")
                .append(name)
                .append(" = ")
                .append(text)
                .append(";\n");
        names.put(e, name);
        return name;
    }

    private String unary(Expr.Unary u) {
        String x = vector(u.x());
        return switch (u.fn()) {
            case NEG -> x + ".neg()";
            case ABS -> x + ".abs()";
            case SQRT -> x + ".sqrt()";
            case RSQRT -> one() + ".div(" + x + ".sqrt())";
            case RECIPROCAL -> one() + ".div(" + x + ")";
            case SIGMOID -> one() + ".div(" + one() + ".add(" + x + ".neg().lanewise(VectorOperators.EXP)))";
            case ERF -> "CpuMath.erf(" + x + ")";
            case NOT -> x + ".not()";
            default -> x + ".lanewise(VectorOperators." + u.fn().name() + ")";
        };
    }

    private String binary(Expr.Binary b) {
        String x = vector(b.a());
        String y = vector(b.b());
        if (b.a().dtype() == DType.BOOL) {
            return x + (b.fn() == BinaryFn.AND ? ".and(" : ".or(") + y + ")";
        }
        return switch (b.fn()) {
            case ADD -> x + ".add(" + y + ")";
            case SUB -> x + ".sub(" + y + ")";
            case MUL -> x + ".mul(" + y + ")";
            case DIV -> x + ".div(" + y + ")";
            case MAX -> x + ".max(" + y + ")";
            case MIN -> x + ".min(" + y + ")";
            case EQ, NE, LT, LE, GT, GE -> x + ".compare(VectorOperators." + b.fn().name() + ", " + y + ")";
            case AND, OR, POW -> throw new IllegalStateException(b.fn().text() + " has no vector form here");
        };
    }
}
