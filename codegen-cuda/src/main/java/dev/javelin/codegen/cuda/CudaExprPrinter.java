package dev.javelin.codegen.cuda;

import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Distribution;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import java.util.HashMap;
import java.util.Map;

/**
 * Prints the expressions of one loop body as CUDA C locals, each distinct subexpression once, in
 * dependency order, through the CUDA op table. Semantics follow the reference interpreter: C99
 * pow, NaN-propagating max and min, Java's saturating float-to-integer casts, bool as 0/1 bytes;
 * f32 math in single precision (the device's correctly rounded or 1-2 ulp functions, within the
 * 1e-4 transcendental tolerance).
 */
final class CudaExprPrinter {
    private final StringBuilder out;
    private final String indent;
    private final CudaRefs refs;
    private final Map<Expr, String> names = new HashMap<>();
    private final String prefix;
    private int counter;

    CudaExprPrinter(StringBuilder out, String indent, String prefix, CudaRefs refs) {
        this.out = out;
        this.indent = indent;
        this.prefix = prefix;
        this.refs = refs;
    }

    /** Makes {@code e} print as {@code text} (a value the function already holds, e.g. in registers). */
    void bind(Expr e, String text) {
        names.put(e, text);
    }

    /** The name (or literal text) of a local holding {@code e}, printing it and what it needs first. */
    String value(Expr e) {
        String have = names.get(e);
        if (have != null) {
            return have;
        }
        String text = switch (e) {
            case Expr.Load l -> refs.load(l.ref(), l.index().text());
            case Expr.Iota i ->
                "(" + CudaTypes.type(i.dtype()) + ") (" + i.value().text() + ")";
            case Expr.Literal l -> {
                names.put(e, CudaTypes.literal(l.dtype(), l.value()));
                yield null;
            }
            case Expr.Unary u -> unary(u.fn(), u.dtype(), value(u.x()));
            case Expr.Binary b -> binary(b.fn(), b.a().dtype(), value(b.a()), value(b.b()));
            case Expr.Select s -> "(" + value(s.cond()) + " ? " + value(s.a()) + " : " + value(s.b()) + ")";
            case Expr.Cast c -> cast(c.x().dtype(), c.dtype(), value(c.x()));
            case Expr.Random r -> random(r);
        };
        if (text == null) {
            return names.get(e);
        }
        String name = prefix + counter++;
        out.append(indent)
                .append("const ")
                .append(CudaTypes.type(e.dtype()))
                .append(' ')
                .append(name)
                .append(" = ")
                .append(text)
                .append(";\n");
        names.put(e, name);
        return name;
    }

    private String random(Expr.Random r) {
        String fn = r.distribution() == Distribution.UNIFORM ? "jv_uniform" : "jv_normal";
        String draw = fn + "(" + r.seed() + "ULL, (unsigned long long) " + value(r.offset())
                + ", (unsigned long long) (" + r.index().text() + "))";
        return r.dtype() == DType.F32 ? "(float) " + draw : draw;
    }

    static String unary(UnaryFn fn, DType t, String x) {
        if (t.isInteger()) {
            return switch (fn) {
                case NEG -> "(-" + x + ")";
                case ABS -> "(" + x + " < 0 ? -" + x + " : " + x + ")";
                case SIGN -> "(" + CudaTypes.type(t) + ") ((" + x + " > 0) - (" + x + " < 0))";
                default -> throw new UnsupportedKernelException(fn.text() + " of " + t.text());
            };
        }
        if (t.isBool()) {
            if (fn == UnaryFn.NOT) {
                return "(!" + x + ")";
            }
            throw new UnsupportedKernelException(fn.text() + " of bool");
        }
        boolean f = t == DType.F32;
        String s = f ? "f" : "";
        return switch (fn) {
            case NEG -> "(-" + x + ")";
            case ABS -> "fabs" + s + "(" + x + ")";
            case SIGN -> "jv_sign(" + x + ")";
            case EXP -> "exp" + s + "(" + x + ")";
            case EXPM1 -> "expm1" + s + "(" + x + ")";
            case LOG -> "log" + s + "(" + x + ")";
            case LOG1P -> "log1p" + s + "(" + x + ")";
            case SQRT -> "sqrt" + s + "(" + x + ")";
            case RSQRT -> (f ? "(1.0f / sqrtf(" : "(1.0 / sqrt(") + x + "))";
            case RECIPROCAL -> (f ? "(1.0f / " : "(1.0 / ") + x + ")";
            case TANH -> "tanh" + s + "(" + x + ")";
            case SIGMOID -> "jv_sigmoid(" + x + ")";
            case ERF -> "erf" + s + "(" + x + ")";
            case SIN -> "sin" + s + "(" + x + ")";
            case COS -> "cos" + s + "(" + x + ")";
            case FLOOR -> "floor" + s + "(" + x + ")";
            case CEIL -> "ceil" + s + "(" + x + ")";
            case NOT -> throw new UnsupportedKernelException("not of " + t.text());
        };
    }

    static String binary(BinaryFn fn, DType operand, String a, String b) {
        return switch (fn) {
            case ADD -> "(" + a + " + " + b + ")";
            case SUB -> "(" + a + " - " + b + ")";
            case MUL -> "(" + a + " * " + b + ")";
            case DIV -> "(" + a + " / " + b + ")";
            case POW -> "jv_pow(" + a + ", " + b + ")";
            case MAX -> "jv_max(" + a + ", " + b + ")";
            case MIN -> "jv_min(" + a + ", " + b + ")";
            case EQ -> "(" + a + " == " + b + ")";
            case NE -> "(" + a + " != " + b + ")";
            case LT -> "(" + a + " < " + b + ")";
            case LE -> "(" + a + " <= " + b + ")";
            case GT -> "(" + a + " > " + b + ")";
            case GE -> "(" + a + " >= " + b + ")";
            case AND -> operand.isBool() ? "(" + a + " && " + b + ")" : "(" + a + " != 0 && " + b + " != 0)";
            case OR -> operand.isBool() ? "(" + a + " || " + b + ")" : "(" + a + " != 0 || " + b + " != 0)";
        };
    }

    static String cast(DType from, DType to, String x) {
        if (from == to) {
            return x;
        }
        if (to.isBool()) {
            return "(" + x + " != 0)";
        }
        if (from.isFloat() && to.isInteger()) {
            return (to == DType.I32 ? "jv_f2i(" : "jv_f2ll(") + "(double) " + x + ")";
        }
        return "((" + CudaTypes.type(to) + ") " + x + ")";
    }
}
