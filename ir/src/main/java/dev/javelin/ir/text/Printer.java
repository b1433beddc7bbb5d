package dev.javelin.ir.text;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.Pad;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.Pool2dBackprop;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import java.util.List;
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

    /** The attributes of an op in canonical order, without braces; empty if it has none. */
    public static String attributes(Op op) {
        return switch (op) {
            case Unary u -> "";
            case Binary bi -> "";
            case Select s -> "";
            case Assign a -> "";
            case Input i -> "";
            case Parameter p -> "";
            case Cast c -> "to=" + c.to();
            case Reduce r -> "axes=" + ints(r.axes()) + ", keep_dims=" + r.keepDims();
            case ArgMax a -> "axis=" + a.axis() + ", keep_dims=" + a.keepDims();
            case Reshape r -> "shape=" + r.shape();
            case Permute p -> "perm=" + ints(p.perm());
            case Broadcast br -> "shape=" + br.shape();
            case Slice s ->
                "axes=" + ints(s.ranges().stream().map(Slice.Range::axis).toList())
                        + ", start="
                        + ints(s.ranges().stream().map(Slice.Range::start).toList())
                        + ", stop="
                        + ints(s.ranges().stream().map(Slice.Range::stop).toList())
                        + ", step="
                        + ints(s.ranges().stream().map(Slice.Range::step).toList());
            case Pad p -> "low=" + ints(p.low()) + ", high=" + ints(p.high()) + ", value=" + number(p.value());
            case Concat c -> "axis=" + c.axis();
            case MatMul m -> "transpose_a=" + m.transposeA() + ", transpose_b=" + m.transposeB();
            // NCHW, the default layout, is not printed, so graphs without NHWC ops read as before.
            case Conv2d c ->
                "stride=" + ints(c.stride()) + ", padding=" + ints(c.padding()) + ", dilation=" + ints(c.dilation())
                        + ", groups=" + c.groups() + layout(c.layout());
            case Pool2d p ->
                "kernel=" + ints(p.kernel()) + ", stride=" + ints(p.stride()) + ", padding=" + ints(p.padding())
                        + layout(p.layout());
            // The gradient ops print their forward op's attributes first, then what they add.
            case Conv2dBackpropInput c -> attributes(c.forward()) + ", input_shape=" + c.inputShape();
            case Conv2dBackpropFilter c -> attributes(c.forward()) + ", filter_shape=" + c.filterShape();
            case Pool2dBackprop p -> attributes(p.forward());
            case Gather g -> "axis=" + g.axis();
            case ScatterAdd s -> "axis=" + s.axis();
            case Iota i -> "axis=" + i.axis();
            case RandomOp r -> "seed=" + r.seed();
            case Constant c -> "values=" + values(c);
        };
    }

    private static String ints(List<? extends Number> l) {
        return l.stream().map(Object::toString).collect(Collectors.joining(",", "[", "]"));
    }

    private static String layout(Layout l) {
        return l == Layout.NCHW ? "" : ", layout=" + l.text();
    }

    private static String values(Constant c) {
        double[] v = c.values();
        DType d = c.type().dtype();
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
