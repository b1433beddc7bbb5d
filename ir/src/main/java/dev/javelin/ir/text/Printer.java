package dev.javelin.ir.text;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.OpSchema;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * Prints a graph in the IR text form. The form is canonical: every attribute of an op is printed,
 * always in the same order, so {@code print(parse(print(g)))} is a fixed point. Example:
 *
 * <pre>
 * graph mlp {
 *   %x = input : f32[batch,784]
 *   %fc1.weight = parameter : f32[784,128]
 *   %0 = matmul(%x, %fc1.weight) {transpose_a=false, transpose_b=false} : f32[batch,128] @"Mlp.java":12
 *   %1 = constant {values=[0.5]} : f32[]
 *   %2 = add(%0, %1) : f32[batch,128]
 *   %3 = reduce_sum(%2) {axes=[0,1], keep_dims=false} : f32[] @"Mlp.java":13
 *   %4 = broadcast(%1) {shape=[batch,128]} : f32[batch,128] @"Mlp.java":13 (backward)
 *   output y = %2
 * }
 * </pre>
 *
 * Grammar of a node line: {@code %name = mnemonic[(%in, ...)] [{attr=value, ...}] : type
 * [@"file":line [(backward)]]}; {@code (backward)} marks a node of the gradient
 * of the node made at that line. Attribute values are integers, booleans, doubles (Java syntax, plus {@code nan},
 * {@code inf}, {@code -inf}), dtypes, shapes like {@code [batch,784]}, and lists in brackets.
 */
public final class Printer {
    private Printer() {}

    public static String print(Graph g) {
        StringBuilder b = new StringBuilder();
        b.append("graph ").append(g.name()).append(" {\n");
        for (Node n : g.nodes()) {
            b.append("  ").append(node(n)).append('\n');
        }
        for (Output o : g.outputs()) {
            b.append("  output ")
                    .append(o.name())
                    .append(" = %")
                    .append(o.node())
                    .append('\n');
        }
        return b.append("}\n").toString();
    }

    /** One node's line, without indentation or newline. */
    public static String node(Node n) {
        StringBuilder b = new StringBuilder();
        b.append('%').append(n.name()).append(" = ").append(n.op().mnemonic());
        if (!n.inputs().isEmpty()) {
            b.append(n.inputs().stream().map(i -> "%" + i).collect(Collectors.joining(", ", "(", ")")));
        }
        String attrs = attributes(n.op());
        if (!attrs.isEmpty()) {
            b.append(" {").append(attrs).append('}');
        }
        b.append(" : ").append(n.type());
        if (n.loc().isKnown()) {
            b.append(" @\"").append(n.loc().file()).append("\":").append(n.loc().line());
            if (n.loc().backward()) {
                b.append(" (backward)");
            }
        }
        return b.toString();
    }

    /**
     * The attributes of an op in canonical order, without braces; empty if it has none. The order,
     * the names and which are left out come from the op's declaration ({@link OpSchema}).
     */
    public static String attributes(Op op) {
        return attributes(OpSchema.forOp(op), op);
    }

    private static <T extends Op> String attributes(OpSchema<T> schema, Op op) {
        StringJoiner out = new StringJoiner(", ");
        for (OpSchema.Attribute<T> a : schema.attributes()) {
            Object v = schema.value(a, op);
            if (!a.optional() || !a.absent().equals(v)) {
                out.add(a.name() + "=" + format(a.kind(), v, op));
            }
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static String format(OpSchema.Kind kind, Object v, Op op) {
        return switch (kind) {
            case INT, LONG, BOOL, DTYPE, SHAPE -> v.toString();
            case NUMBER -> number((Double) v);
            case INTS, LONGS -> ints((List<? extends Number>) v);
            case LAYOUT -> ((Layout) v).text();
            case VALUES -> values((double[]) v, ((Constant) op).type().dtype());
        };
    }

    private static String ints(List<? extends Number> l) {
        return l.stream().map(Object::toString).collect(Collectors.joining(",", "[", "]"));
    }

    private static String values(double[] v, DType d) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(value(d, v[i]));
        }
        return b.append(']').toString();
    }

    /** A value of dtype {@code d} in its shortest exact text. */
    public static String value(DType d, double v) {
        return switch (d.kind()) {
            case BOOL -> v != 0 ? "true" : "false";
            case INTEGER -> Long.toString((long) v);
            case FLOAT -> d == DType.F64 ? number(v) : floatNumber((float) v);
        };
    }

    /** A double in Java syntax (exact round trip), with {@code nan}, {@code inf}, {@code -inf}. */
    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Double.toString(v);
    }

    private static String floatNumber(float v) {
        if (Float.isNaN(v)) {
            return "nan";
        }
        if (Float.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        return Float.toString(v);
    }

    /** A type as the text form writes it, e.g. {@code f32[batch,784]}. */
    public static String type(TensorType t) {
        return t.toString();
    }
}
