package dev.javelin.ir.text;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.graph.SourceLoc;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.text.Lexer.Kind;
import dev.javelin.ir.text.Lexer.Token;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the text form {@link Printer} writes (grammar in {@code docs/ir.md}) back into a {@link
 * Graph}. It checks syntax and attributes only: types are taken as written, and references to
 * undefined or later nodes are kept, so that the verifier can report every semantic problem (a
 * cycle, a wrong type) by name. Any malformed input gives a {@link ParseException} with line and
 * column, never another exception.
 */
public final class Parser {
    /**
     * How deep attribute lists may nest. The printer writes at most one level; the bound keeps a
     * hostile file from recursing the parser into a stack overflow.
     */
    static final int MAX_NESTING = 64;

    private final String text;
    private final String source;
    private final List<Token> tokens;
    private int at;

    private Parser(String text, String source) {
        this.text = text;
        this.source = source;
        this.tokens = Lexer.tokens(text, source);
    }

    public static Graph parse(String text) {
        return parse(text, "<input>");
    }

    /**
     * Reads and parses an IR text file (strict UTF-8, at most {@link TextFile#MAX_BYTES}); every
     * problem with its content is a {@link ParseException} naming the file, line and column.
     */
    public static Graph parse(Path file) throws IOException {
        return parse(TextFile.read(file), file.toString());
    }

    /** Parses one graph; {@code sourceName} (a file name) prefixes error positions. */
    public static Graph parse(String text, String sourceName) {
        return new Parser(text, sourceName).graph();
    }

    ParseException error(Token t, String detail) {
        return new ParseException(source, text, t.line(), t.column(), detail);
    }

    private Token peek() {
        return tokens.get(at);
    }

    private Token next() {
        Token t = tokens.get(at);
        if (t.kind() != Kind.EOF) {
            at++;
        }
        return t;
    }

    private boolean isPunct(String p) {
        return peek().kind() == Kind.PUNCT && peek().text().equals(p);
    }

    /** Consumes the punctuation {@code p} if it comes next. */
    private boolean accept(String p) {
        if (isPunct(p)) {
            next();
            return true;
        }
        return false;
    }

    private Token expectPunct(String p, String context) {
        Token t = next();
        if (t.kind() != Kind.PUNCT || !t.text().equals(p)) {
            throw error(t, "expected '" + p + "' " + context + ", found " + t.describe());
        }
        return t;
    }

    private Token expect(Kind kind, String what) {
        Token t = next();
        if (t.kind() != kind) {
            throw error(t, "expected " + what + ", found " + t.describe());
        }
        return t;
    }

    private Graph graph() {
        Token kw = next();
        if (kw.kind() != Kind.IDENT || !kw.text().equals("graph")) {
            throw error(kw, "expected 'graph NAME {' at the start, found " + kw.describe());
        }
        Token name = expect(Kind.IDENT, "the graph's name after 'graph'");
        expectPunct("{", "after the graph's name");
        List<Node> nodes = new ArrayList<>();
        List<Output> outputs = new ArrayList<>();
        while (!isPunct("}")) {
            Token t = peek();
            if (t.kind() == Kind.NAME) {
                nodes.add(node());
            } else if (t.kind() == Kind.IDENT && t.text().equals("output")) {
                outputs.add(output());
            } else {
                throw error(
                        t,
                        "expected a node ('%name = op ...'), an output ('output NAME = %value') or the"
                                + " graph's closing '}', found " + t.describe());
            }
        }
        next();
        Token end = peek();
        if (end.kind() != Kind.EOF) {
            throw error(end, "expected the end of the input after the graph's closing '}', found " + end.describe());
        }
        try {
            return new Graph(name.text(), nodes, outputs);
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage());
        }
    }

    private Output output() {
        Token kw = next();
        Token name = expect(Kind.IDENT, "the output's name after 'output'");
        expectPunct("=", "after the output's name");
        Token value = expect(Kind.NAME, "the output's value ('%name')");
        try {
            return new Output(name.text(), value.text());
        } catch (IllegalArgumentException e) {
            throw error(kw, e.getMessage());
        }
    }

    private Node node() {
        Token name = next();
        expectPunct("=", "after %" + name.text());
        Token mnemonic = expect(Kind.IDENT, "an op name after '='");
        List<String> inputs = new ArrayList<>();
        if (isPunct("(")) {
            next();
            do {
                inputs.add(expect(Kind.NAME, "an operand ('%name')").text());
            } while (accept(","));
            expectPunct(")", "after the operands of " + mnemonic.text());
        }
        Map<String, Attr> attrs = new LinkedHashMap<>();
        if (isPunct("{")) {
            attributes(attrs);
        }
        expectPunct(":", "before the type of %" + name.text());
        Token typeAt = peek();
        TensorType type = type();
        SourceLoc loc = isPunct("@") ? loc() : SourceLoc.UNKNOWN;
        Op op = new OpReader(this, mnemonic, attrs, type, typeAt).op();
        try {
            return new Node(name.text(), op, inputs, type, loc);
        } catch (IllegalArgumentException e) {
            throw error(name, e.getMessage());
        }
    }

    /** An attribute value as written, with the token where it starts. */
    record Attr(Token at, Object value) {}

    private void attributes(Map<String, Attr> attrs) {
        next();
        do {
            Token key = expect(Kind.IDENT, "an attribute name");
            expectPunct("=", "after attribute '" + key.text() + "'");
            // Positioned at the name: an unknown or misplaced attribute is reported where it is named.
            Attr v = new Attr(key, value(1));
            if (attrs.put(key.text(), v) != null) {
                throw error(key, "attribute '" + key.text() + "' is given twice");
            }
        } while (accept(","));
        expectPunct("}", "after the attributes");
    }

    /** A scalar token (NUMBER or IDENT) or a {@code List} of values. */
    private Object value(int depth) {
        Token t = next();
        if (t.kind() == Kind.NUMBER || t.kind() == Kind.IDENT) {
            return t;
        }
        if (t.kind() == Kind.PUNCT && t.text().equals("[")) {
            if (depth > MAX_NESTING) {
                throw error(t, "attribute lists nesting deeper than " + MAX_NESTING + " levels");
            }
            List<Attr> items = new ArrayList<>();
            if (!isPunct("]")) {
                do {
                    items.add(new Attr(peek(), value(depth + 1)));
                } while (accept(","));
            }
            expectPunct("]", "to close the list");
            return items;
        }
        throw error(t, "expected an attribute value (a number, a name or a '[' list), found " + t.describe());
    }

    private TensorType type() {
        Token d = expect(Kind.IDENT, "a type such as f32[2,3]");
        DType dtype;
        try {
            dtype = DType.fromText(d.text());
        } catch (IllegalArgumentException e) {
            throw error(d, e.getMessage());
        }
        expectPunct("[", "after the dtype (a shape such as [batch,784], or [] for a scalar)");
        List<Dim> dims = new ArrayList<>();
        if (!isPunct("]")) {
            do {
                dims.add(dim());
            } while (accept(","));
        }
        expectPunct("]", "to close the shape");
        Shape shape = new Shape(dims);
        checkCount(d, shape);
        return new TensorType(dtype, shape);
    }

    /**
     * A shape whose static sizes multiply beyond a long (even before a later 0) would break every
     * size computation downstream ({@link Shape#numel} multiplies in the same order).
     */
    void checkCount(Token at, Shape shape) {
        try {
            shape.staticProduct();
        } catch (ArithmeticException e) {
            throw error(at, "shape " + shape + " has more elements than a 64-bit count holds (over 2^63 - 1)");
        }
    }

    private Dim dim() {
        Token t = next();
        if (t.kind() == Kind.IDENT && !t.text().contains(".")) {
            return new Dim.Sym(t.text());
        }
        if (t.kind() == Kind.NUMBER && t.text().matches("[0-9]+")) {
            try {
                return new Dim.Fixed(Long.parseLong(t.text()));
            } catch (NumberFormatException e) {
                throw error(t, "dimension " + t.text() + " is too large");
            }
        }
        throw error(t, "expected a dimension (a size >= 0 or a symbol such as batch), found " + t.describe());
    }

    private SourceLoc loc() {
        next();
        Token file = expect(Kind.STRING, "a quoted file name after '@'");
        expectPunct(":", "between the file and the line of a location");
        Token line = expect(Kind.NUMBER, "a line number");
        if (!line.text().matches("[0-9]{1,9}")) {
            throw error(line, "expected a line number, found " + line.describe());
        }
        boolean backward = isPunct("(");
        if (backward) {
            next();
            Token flag = expect(Kind.IDENT, "'backward' after '(' (a location's only flag)");
            if (!flag.text().equals("backward")) {
                throw error(flag, "expected 'backward' after '(' (a location's only flag), found " + flag.describe());
            }
            expectPunct(")", "after 'backward'");
        }
        try {
            return new SourceLoc(file.text(), Integer.parseInt(line.text()), backward);
        } catch (IllegalArgumentException e) {
            throw error(file, e.getMessage());
        }
    }
}
