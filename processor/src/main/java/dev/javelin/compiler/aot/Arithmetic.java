package dev.javelin.compiler.aot;

import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.CastExpr;
import com.github.javaparser.ast.expr.UnaryExpr;

/**
 * Constant arithmetic of the compile-time evaluation, with Java's numeric promotion (int, long,
 * double), string concatenation, comparisons and boolean logic. Tensor arithmetic is a DSL call
 * ({@code x.add(y)}), not an operator.
 */
final class Arithmetic {
    private Arithmetic() {}

    static Object binary(BinaryExpr e, Object a, Object b) {
        BinaryExpr.Operator op = e.getOperator();
        if (op == BinaryExpr.Operator.PLUS && (a instanceof String || b instanceof String)) {
            return String.valueOf(a) + b;
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return switch (op) {
                case AND -> x && y;
                case OR -> x || y;
                case EQUALS -> x.equals(y);
                case NOT_EQUALS -> !x.equals(y);
                default -> throw bad(e, a, b);
            };
        }
        if (!(a instanceof Number x) || !(b instanceof Number y)) {
            throw bad(e, a, b);
        }
        if (a instanceof Double || b instanceof Double || a instanceof Float || b instanceof Float) {
            double p = x.doubleValue();
            double q = y.doubleValue();
            return switch (op) {
                case PLUS -> p + q;
                case MINUS -> p - q;
                case MULTIPLY -> p * q;
                case DIVIDE -> p / q;
                case REMAINDER -> p % q;
                case LESS -> p < q;
                case LESS_EQUALS -> p <= q;
                case GREATER -> p > q;
                case GREATER_EQUALS -> p >= q;
                case EQUALS -> p == q;
                case NOT_EQUALS -> p != q;
                default -> throw bad(e, a, b);
            };
        }
        boolean wide = a instanceof Long || b instanceof Long;
        long p = x.longValue();
        long q = y.longValue();
        if ((op == BinaryExpr.Operator.DIVIDE || op == BinaryExpr.Operator.REMAINDER) && q == 0) {
            throw new EvalException(e, "division by zero in a constant expression");
        }
        Object r = switch (op) {
            case PLUS -> p + q;
            case MINUS -> p - q;
            case MULTIPLY -> p * q;
            case DIVIDE -> p / q;
            case REMAINDER -> p % q;
            case LESS -> p < q;
            case LESS_EQUALS -> p <= q;
            case GREATER -> p > q;
            case GREATER_EQUALS -> p >= q;
            case EQUALS -> p == q;
            case NOT_EQUALS -> p != q;
            default -> throw bad(e, a, b);
        };
        return r instanceof Long l && !wide ? (Object) (int) (long) l : r;
    }

    static Object unary(UnaryExpr e, Object v) {
        return switch (e.getOperator()) {
            case MINUS ->
                switch (v) {
                    case Integer i -> -i;
                    case Long l -> -l;
                    case Double d -> -d;
                    default -> throw new EvalException(e, "cannot negate " + describe(v) + " at compile time");
                };
            case PLUS -> v;
            case LOGICAL_COMPLEMENT -> {
                if (v instanceof Boolean b) {
                    yield !b;
                }
                throw new EvalException(e, "! needs a boolean, found " + describe(v));
            }
            default ->
                throw new EvalException(
                        e,
                        "the operator " + e.getOperator().asString() + " is outside the DSL subset; "
                                + DslEvaluator.SUBSET);
        };
    }

    static Object add(Node at, Object v, int step) {
        return switch (v) {
            case Integer i -> i + step;
            case Long l -> l + step;
            default -> throw new EvalException(at, "++ and -- need an int or long variable, found " + describe(v));
        };
    }

    static Object compound(AssignExpr a, Object old, Object value) {
        BinaryExpr.Operator op = a.getOperator()
                .toBinaryOperator()
                .orElseThrow(() -> new EvalException(
                        a, "unsupported assignment " + a.getOperator().asString()));
        return binary(new BinaryExpr(a.getTarget(), a.getValue(), op), old, value);
    }

    static Object cast(CastExpr c, Object v) {
        if (!(v instanceof Number n)) {
            throw new EvalException(c, "only numbers can be cast at compile time, found " + describe(v));
        }
        return switch (c.getType().asString()) {
            case "int" -> n.intValue();
            case "long" -> n.longValue();
            case "double" -> n.doubleValue();
            case "float" -> (double) n.floatValue();
            default -> throw new EvalException(c, "casts to " + c.getType() + " are outside the DSL subset");
        };
    }

    /** A compile-time constant javac folded, in the evaluation's number types (int, long, double). */
    static Object constant(Object v) {
        return switch (v) {
            case Float f -> (double) f;
            case Short s -> (int) s;
            case Byte b -> (int) b;
            default -> v;
        };
    }

    static String describe(Object v) {
        return v == null ? "null" : v.getClass().getSimpleName() + " " + v;
    }

    private static EvalException bad(BinaryExpr e, Object a, Object b) {
        return new EvalException(
                e,
                "the operator " + e.getOperator().asString() + " does not apply to "
                        + describe(a) + " and " + describe(b)
                        + " at compile time (tensor arithmetic is a DSL call, such as"
                        + " x.add(y))");
    }
}
