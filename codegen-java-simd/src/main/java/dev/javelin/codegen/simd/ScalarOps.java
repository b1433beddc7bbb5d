package dev.javelin.codegen.simd;

import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;

/**
 * The scalar table: each op of an {@link Expr} as Java source over its operands' names. Floats
 * compute transcendental functions in double and round once, like the reference interpreter's
 * float64 rounded to f32; semantics follow the interpreter (C99 pow, NaN-propagating max and min,
 * truncating casts, bool as 0/1).
 */
final class ScalarOps {
    private ScalarOps() {}

    static String unary(UnaryFn fn, DType t, String x) {
        if (t.isInteger()) {
            return switch (fn) {
                case NEG -> "(-" + x + ")";
                case ABS -> "Math.abs(" + x + ")";
                case SIGN -> t == DType.I64 ? "Long.signum(" + x + ")" : "Integer.signum(" + x + ")";
                default -> throw new UnsupportedKernelException(fn.text() + " of " + t.text());
            };
        }
        if (t.isBool()) {
            if (fn == UnaryFn.NOT) {
                return "(!" + x + ")";
            }
            throw new UnsupportedKernelException(fn.text() + " of bool");
        }
        String f = switch (fn) {
            case NEG -> "(-" + x + ")";
            case ABS -> "Math.abs(" + x + ")";
            case SIGN -> "Math.signum(" + x + ")";
            case EXP -> "Math.exp(" + x + ")";
            case EXPM1 -> "Math.expm1(" + x + ")";
            case LOG -> "Math.log(" + x + ")";
            case LOG1P -> "Math.log1p(" + x + ")";
            case SQRT -> "Math.sqrt(" + x + ")";
            case RSQRT -> "(1 / Math.sqrt(" + x + "))";
            case RECIPROCAL -> "(1.0 / " + x + ")";
            case TANH -> "Math.tanh(" + x + ")";
            case SIGMOID -> "CpuMath.sigmoid(" + x + ")";
            case ERF -> "CpuMath.erf(" + x + ")";
            case SIN -> "Math.sin(" + x + ")";
            case COS -> "Math.cos(" + x + ")";
            case FLOOR -> "Math.floor(" + x + ")";
            case CEIL -> "Math.ceil(" + x + ")";
            case NOT -> throw new UnsupportedKernelException("not of " + t.text());
        };
        return t == DType.F32 ? "(float) " + f : f;
    }

    static String binary(BinaryFn fn, DType operand, String a, String b) {
        return switch (fn) {
            case ADD -> "(" + a + " + " + b + ")";
            case SUB -> "(" + a + " - " + b + ")";
            case MUL -> "(" + a + " * " + b + ")";
            case DIV -> "(" + a + " / " + b + ")";
            case POW -> (operand == DType.F32 ? "(float) " : "") + "CpuMath.pow(" + a + ", " + b + ")";
            case MAX -> "Math.max(" + a + ", " + b + ")";
            case MIN -> "Math.min(" + a + ", " + b + ")";
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
        if (from.isBool()) {
            return "(" + x + " ? " + JavaTypes.literal(to, 1) + " : " + JavaTypes.literal(to, 0) + ")";
        }
        return "((" + JavaTypes.type(to) + ") " + x + ")";
    }
}
