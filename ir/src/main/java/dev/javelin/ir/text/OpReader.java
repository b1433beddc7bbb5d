package dev.javelin.ir.text;

import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.OpSchema;
import dev.javelin.ir.text.Lexer.Kind;
import dev.javelin.ir.text.Lexer.Token;
import dev.javelin.ir.text.Parser.Attr;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

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
        OpSchema<?> schema = OpSchema.forMnemonic(mnemonic.text());
        if (schema == null) {
            throw parser.error(
                    mnemonic,
                    "unknown op '" + mnemonic.text() + "' (expected one of: " + String.join(", ", Op.mnemonics())
                            + ")");
        }
        Op op;
        try {
            Map<String, Object> values = new HashMap<>();
            for (OpSchema.Attribute<?> a : schema.attributes()) {
                values.put(a.name(), read(a));
            }
            op = schema.make(new OpSchema.Args(mnemonic.text(), type, values));
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

    /** One declared attribute's value, read as its kind asks; a missing optional one takes its default. */
    private Object read(OpSchema.Attribute<?> a) {
        String name = a.name();
        if (a.optional() && !attrs.containsKey(name)) {
            expected.add(name);
            return a.absent();
        }
        return switch (a.kind()) {
            case INT -> integer(name);
            case LONG -> longValue(name);
            case BOOL -> bool(name);
            case NUMBER -> number(name);
            case DTYPE -> dtype(name);
            case SHAPE -> shape(name);
            case INTS -> ints(name);
            case LONGS -> longs(name);
            case LAYOUT -> layout(name);
            case VALUES -> constantValues(name);
        };
    }

    /** A constant's values, read at its dtype; it needs a static shape. */
    private double[] constantValues(String name) {
        Attr a = attr(name);
        if (!(a.value() instanceof List<?> items)) {
            throw parser.error(a.at(), "expected a '[' list of values for '" + name + "'");
        }
        if (!type.shape().isStatic()) {
            throw parser.error(typeAt, "a constant needs a static shape, found " + type);
        }
        double[] values = new double[items.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = element((Attr) items.get(i), type.dtype());
        }
        return values;
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

    /** An image layout: {@code nchw} or {@code nhwc}. */
    private Layout layout(String name) {
        Token t = scalarToken(attr(name));
        for (Layout l : Layout.values()) {
            if (l.text().equals(t.text())) {
                return l;
            }
        }
        throw parser.error(
                t,
                "expected " + Arrays.stream(Layout.values()).map(Layout::text).collect(Collectors.joining(" or "))
                        + " for '" + name + "', found " + t.describe());
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
