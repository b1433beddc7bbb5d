package dev.javelin.ir.text;

import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Distribution;
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
import dev.javelin.ir.op.PoolKind;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.text.Lexer.Kind;
import dev.javelin.ir.text.Lexer.Token;
import dev.javelin.ir.text.Parser.Attr;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns a parsed mnemonic and its attributes into an {@link Op}, reporting bad attributes by position. */
final class OpReader {
    private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");

    private final Parser parser;
    private final Token mnemonic;
    private final Map<String, Attr> attrs;
    private final TensorType type;
    private final Token typeAt;
    private final Set<String> expected = new LinkedHashSet<>();

    OpReader(Parser parser, Token mnemonic, Map<String, Attr> attrs, TensorType type, Token typeAt) {
        this.parser = parser;
        this.mnemonic = mnemonic;
        this.attrs = attrs;
        this.type = type;
        this.typeAt = typeAt;
    }

    Op op() {
        Op op;
        try {
            op = build(mnemonic.text());
        } catch (IllegalArgumentException e) {
            throw parser.error(mnemonic, e.getMessage());
        }
        for (var e : attrs.entrySet()) {
            if (!expected.contains(e.getKey())) {
                throw parser.error(
                        e.getValue().at(),
                        "unknown attribute '" + e.getKey() + "' for " + mnemonic.text()
                                + (expected.isEmpty()
                                        ? ", which takes none"
                                        : " (it takes " + String.join(", ", expected) + ")"));
            }
        }
        return op;
    }

    private Op build(String m) {
        UnaryFn u = UnaryFn.fromText(m);
        if (u != null) {
            return new Unary(u);
        }
        BinaryFn b = BinaryFn.fromText(m);
        if (b != null) {
            return new Binary(b);
        }
        if (m.startsWith("reduce_") && ReduceFn.fromText(m.substring(7)) != null) {
            return new Reduce(ReduceFn.fromText(m.substring(7)), ints("axes"), bool("keep_dims"));
        }
        return switch (m) {
            case "select" -> new Select();
            case "assign" -> new Assign();
            case "input" -> new Input(type);
            case "parameter" -> new Parameter(type);
            case "cast" -> new Cast(dtype("to"));
            case "argmax" -> new ArgMax(integer("axis"), bool("keep_dims"));
            case "reshape" -> new Reshape(shape("shape"));
            case "permute" -> new Permute(ints("perm"));
            case "broadcast" -> new Broadcast(shape("shape"));
            case "slice" -> slice();
            case "pad" -> new Pad(longs("low"), longs("high"), number("value"));
            case "concat" -> new Concat(integer("axis"));
            case "matmul" -> new MatMul(bool("transpose_a"), bool("transpose_b"));
            case "conv2d" ->
                new Conv2d(longs("stride"), longs("padding"), longs("dilation"), longValue("groups"), layout());
            case "max_pool2d" -> new Pool2d(PoolKind.MAX, longs("kernel"), longs("stride"), longs("padding"), layout());
            case "avg_pool2d" -> new Pool2d(PoolKind.AVG, longs("kernel"), longs("stride"), longs("padding"), layout());
            case "conv2d_backprop_input" ->
                new Conv2dBackpropInput(
                        longs("stride"),
                        longs("padding"),
                        longs("dilation"),
                        longValue("groups"),
                        shape("input_shape"),
                        layout());
            case "conv2d_backprop_filter" ->
                new Conv2dBackpropFilter(
                        longs("stride"),
                        longs("padding"),
                        longs("dilation"),
                        longValue("groups"),
                        shape("filter_shape"),
                        layout());
            case "max_pool2d_backprop" ->
                new Pool2dBackprop(PoolKind.MAX, longs("kernel"), longs("stride"), longs("padding"), layout());
            case "avg_pool2d_backprop" ->
                new Pool2dBackprop(PoolKind.AVG, longs("kernel"), longs("stride"), longs("padding"), layout());
            case "gather" -> new Gather(integer("axis"));
            case "scatter_add" -> new ScatterAdd(integer("axis"));
            case "iota" -> new Iota(type, integer("axis"));
            case "random_uniform" -> new RandomOp(Distribution.UNIFORM, longValue("seed"), type);
            case "random_normal" -> new RandomOp(Distribution.NORMAL, longValue("seed"), type);
            case "constant" -> constant();
            default ->
                throw parser.error(
                        mnemonic,
                        "unknown op '" + m + "' (expected one of: " + String.join(", ", Op.mnemonics()) + ")");
        };
    }

    private Slice slice() {
        List<Integer> axes = ints("axes");
        List<Long> start = longs("start");
        List<Long> stop = longs("stop");
        List<Long> step = longs("step");
        if (start.size() != axes.size() || stop.size() != axes.size() || step.size() != axes.size()) {
            throw parser.error(
                    mnemonic,
                    "slice needs one start, stop and step per axis: " + axes.size() + " axes, " + start.size()
                            + " starts, " + stop.size() + " stops, " + step.size() + " steps");
        }
        List<Slice.Range> ranges = new ArrayList<>();
        for (int i = 0; i < axes.size(); i++) {
            ranges.add(new Slice.Range(axes.get(i), start.get(i), stop.get(i), step.get(i)));
        }
        return new Slice(ranges);
    }

    private Constant constant() {
        Attr a = attr("values");
        if (!(a.value() instanceof List<?> items)) {
            throw parser.error(a.at(), "expected a '[' list of values for 'values'");
        }
        if (!type.shape().isStatic()) {
            throw parser.error(typeAt, "a constant needs a static shape, found " + type);
        }
        double[] values = new double[items.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = element((Attr) items.get(i), type.dtype());
        }
        return new Constant(type, values);
    }

    /** One constant element, read at the dtype's precision so printing it again gives the same text. */
    private double element(Attr a, DType d) {
        Token t = scalarToken(a);
        String s = t.text();
        if (d.isBool()) {
            return switch (s) {
                case "true" -> 1;
                case "false" -> 0;
                default -> throw parser.error(t, "expected true or false for a bool constant, found " + t.describe());
            };
        }
        if (d.isInteger()) {
            if (!INTEGER.matcher(s).matches()) {
                throw parser.error(t, "expected an integer for a " + d + " constant, found " + t.describe());
            }
            return parseLong(t);
        }
        double v = special(s);
        if (Double.isNaN(v) && !s.equals("nan")) {
            if (!DECIMAL.matcher(s).matches()) {
                throw parser.error(t, "expected a number for a " + d + " constant, found " + t.describe());
            }
            v = d == DType.F64 ? Double.parseDouble(s) : Float.parseFloat(s);
        }
        return v;
    }

    /** nan, inf and -inf (also +inf); NaN for anything else, which the caller parses. */
    private static double special(String s) {
        return switch (s) {
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.NaN;
        };
    }

    private Attr attr(String name) {
        expected.add(name);
        Attr a = attrs.get(name);
        if (a == null) {
            throw parser.error(mnemonic, mnemonic.text() + " needs attribute '" + name + "'");
        }
        return a;
    }

    private Token scalarToken(Attr a) {
        if (!(a.value() instanceof Token t)) {
            throw parser.error(a.at(), "expected a single value, found a list");
        }
        return t;
    }

    private long parseLong(Token t) {
        try {
            return Long.parseLong(t.text().startsWith("+") ? t.text().substring(1) : t.text());
        } catch (NumberFormatException e) {
            throw parser.error(t, "integer " + t.text() + " is out of range");
        }
    }

    private long longToken(Token t, String name) {
        if (t.kind() != Kind.NUMBER || !INTEGER.matcher(t.text()).matches()) {
            throw parser.error(t, "expected an integer for '" + name + "', found " + t.describe());
        }
        return parseLong(t);
    }

    private long longValue(String name) {
        return longToken(scalarToken(attr(name)), name);
    }

    private int integer(String name) {
        Token t = scalarToken(attr(name));
        long v = longToken(t, name);
        if (v != (int) v) {
            throw parser.error(t, "'" + name + "' = " + v + " is out of range");
        }
        return (int) v;
    }

    /** The optional {@code layout} attribute of image ops: {@code nchw} (the default) or {@code nhwc}. */
    private Layout layout() {
        expected.add("layout");
        Attr a = attrs.get("layout");
        if (a == null) {
            return Layout.NCHW;
        }
        Token t = scalarToken(a);
        return switch (t.text()) {
            case "nchw" -> Layout.NCHW;
            case "nhwc" -> Layout.NHWC;
            default -> throw parser.error(t, "expected nchw or nhwc for 'layout', found " + t.describe());
        };
    }

    private boolean bool(String name) {
        Token t = scalarToken(attr(name));
        return switch (t.text()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw parser.error(t, "expected true or false for '" + name + "', found " + t.describe());
        };
    }

    private double number(String name) {
        Token t = scalarToken(attr(name));
        if (t.text().equals("nan")) {
            return Double.NaN;
        }
        double v = special(t.text());
        if (!Double.isNaN(v)) {
            return v;
        }
        if (t.kind() != Kind.NUMBER || !DECIMAL.matcher(t.text()).matches()) {
            throw parser.error(t, "expected a number for '" + name + "', found " + t.describe());
        }
        return Double.parseDouble(t.text());
    }

    private DType dtype(String name) {
        Token t = scalarToken(attr(name));
        try {
            return DType.fromText(t.text());
        } catch (IllegalArgumentException e) {
            throw parser.error(t, e.getMessage());
        }
    }

    private List<Attr> list(String name) {
        Attr a = attr(name);
        if (!(a.value() instanceof List<?> items)) {
            throw parser.error(a.at(), "expected a '[' list for '" + name + "'");
        }
        return items.stream().map(Attr.class::cast).toList();
    }

    private List<Long> longs(String name) {
        return list(name).stream().map(a -> longToken(scalarToken(a), name)).toList();
    }

    private List<Integer> ints(String name) {
        List<Integer> out = new ArrayList<>();
        for (Attr a : list(name)) {
            long v = longToken(scalarToken(a), name);
            if (v != (int) v) {
                throw parser.error(a.at(), "'" + name + "' value " + v + " is out of range");
            }
            out.add((int) v);
        }
        return out;
    }

    private Shape shape(String name) {
        List<Dim> dims = new ArrayList<>();
        Attr whole = attr(name);
        for (Attr a : list(name)) {
            Token t = scalarToken(a);
            if (t.kind() == Kind.IDENT && !t.text().contains(".")) {
                dims.add(new Dim.Sym(t.text()));
            } else {
                long v = longToken(t, name);
                if (v < 0) {
                    throw parser.error(t, "dimension in '" + name + "' must be >= 0, found " + v);
                }
                dims.add(new Dim.Fixed(v));
            }
        }
        Shape shape = new Shape(dims);
        parser.checkCount(whole.at(), shape);
        return shape;
    }
}
