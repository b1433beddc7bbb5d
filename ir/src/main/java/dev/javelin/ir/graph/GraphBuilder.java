package dev.javelin.ir.graph;

import dev.javelin.ir.config.Flags;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.OpTypeError;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.text.RoundTrip;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.verify.Verifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a graph node by node. Every node's type is inferred when it is added: a mismatch fails
 * right there with a {@link ShapeException} naming the op, the operand types and the caller's
 * source line. Not thread-safe.
 */
public final class GraphBuilder {
    /** Frames of the code that builds nodes for the user; the call site is the first frame outside them. */
    private static final Set<String> DEFAULT_SKIP =
            Set.of("dev.javelin.ir.graph.GraphBuilder", "dev.javelin.ir.autodiff.", "dev.javelin.dsl.");

    private final String name;
    private final GraphEditor nodes = new GraphEditor();
    private final List<Output> outputs = new ArrayList<>();
    private final Set<String> outputNames = new HashSet<>();
    private final Set<String> skipPrefixes;
    private int counter;

    public GraphBuilder(String name) {
        this(name, DEFAULT_SKIP);
    }

    /** A builder whose call sites skip frames of classes starting with any of {@code skipPrefixes}. */
    public GraphBuilder(String name, Set<String> skipPrefixes) {
        this.name = name;
        this.skipPrefixes = Set.copyOf(skipPrefixes);
    }

    /** Adds a node of {@code op} over {@code inputs}; its name is the next free number. */
    public Value add(Op op, Value... inputs) {
        return addNamed(null, op, inputs);
    }

    /** Adds a node named {@code hint} (made unique with a suffix if taken) or numbered if null. */
    public Value addNamed(String hint, Op op, Value... inputs) {
        List<TensorType> types = new ArrayList<>(inputs.length);
        List<String> ins = new ArrayList<>(inputs.length);
        for (Value v : inputs) {
            if (v == null || !nodes.contains(v.name())) {
                throw new IllegalArgumentException(
                        op.mnemonic() + ": operand " + v + " is not a value of graph " + name);
            }
            types.add(v.type());
            ins.add(v.name());
        }
        SourceLoc loc = SourceLoc.caller(skipPrefixes);
        TensorType t;
        try {
            t = op.infer(types);
        } catch (OpTypeError e) {
            throw new ShapeException(op, types, loc, e.getMessage());
        } catch (ArithmeticException e) {
            throw new ShapeException(op, types, loc, "sizes too large (" + e.getMessage() + ")");
        }
        String n = freshName(hint);
        nodes.add(new Node(n, op, ins, t, loc));
        return new Value(n, t);
    }

    private String freshName(String hint) {
        if (hint == null) {
            while (nodes.contains(Integer.toString(counter))) {
                counter++;
            }
            return Integer.toString(counter++);
        }
        if (!Node.NAME.matcher(hint).matches()) {
            throw new IllegalArgumentException("name '" + hint + "' must be an identifier (letters, digits, '_', '.')");
        }
        String n = hint;
        for (int i = 1; nodes.contains(n); i++) {
            n = hint + "_" + i;
        }
        return n;
    }

    public Value input(String name, TensorType type) {
        requireFree(name, "input");
        return addNamed(name, new Input(type));
    }

    public Value parameter(String name, TensorType type) {
        requireFree(name, "parameter");
        return addNamed(name, new Parameter(type));
    }

    private void requireFree(String n, String what) {
        if (nodes.contains(n)) {
            throw new IllegalArgumentException(what + " name '" + n + "' is already used in graph " + name);
        }
    }

    public Value constant(TensorType type, double... values) {
        return add(new Constant(type, values));
    }

    public Value scalar(DType dtype, double value) {
        return add(Constant.scalar(TensorType.scalar(dtype), value));
    }

    public Value unary(UnaryFn fn, Value x) {
        return add(new Unary(fn), x);
    }

    public Value binary(BinaryFn fn, Value a, Value b) {
        return add(new Binary(fn), a, b);
    }

    public Value select(Value cond, Value a, Value b) {
        return add(new Select(), cond, a, b);
    }

    public Value cast(Value x, DType to) {
        return add(new Cast(to), x);
    }

    public Value reduce(ReduceFn fn, Value x, boolean keepDims, Integer... axes) {
        return add(new Reduce(fn, List.of(axes), keepDims), x);
    }

    public Value argmax(Value x, int axis, boolean keepDims) {
        return add(new ArgMax(axis, keepDims), x);
    }

    public Value reshape(Value x, Shape to) {
        return add(new Reshape(to), x);
    }

    public Value permute(Value x, Integer... perm) {
        return add(new Permute(List.of(perm)), x);
    }

    public Value broadcast(Value x, Shape to) {
        return add(new Broadcast(to), x);
    }

    public Value concat(int axis, Value... xs) {
        return add(new Concat(axis), xs);
    }

    public Value matmul(Value a, Value b) {
        return add(new MatMul(false, false), a, b);
    }

    public Value assign(Value parameter, Value value) {
        return add(new Assign(), parameter, value);
    }

    /** Names a graph result. */
    public GraphBuilder output(String outputName, Value v) {
        if (!outputNames.add(outputName)) {
            throw new IllegalArgumentException("output name '" + outputName + "' is already used in graph " + name);
        }
        if (!nodes.contains(v.name())) {
            throw new IllegalArgumentException("output " + outputName + ": " + v + " is not a value of graph " + name);
        }
        outputs.add(new Output(outputName, v.name()));
        return this;
    }

    /** The graph's name. */
    public String name() {
        return name;
    }

    /** The nodes added so far, in order (a read-only view that grows as nodes are added). */
    public List<Node> nodes() {
        return nodes.nodes();
    }

    /** The node behind a value of this builder. */
    public Node node(Value v) {
        Node n = nodes.get(v.name());
        if (n != null) {
            return n;
        }
        throw new IllegalArgumentException(v + " is not a value of graph " + name);
    }

    /** A handle on an existing node of this builder. */
    public Value value(Node n) {
        if (!nodes.contains(n.name())) {
            throw new IllegalArgumentException("node %" + n.name() + " is not in graph " + name);
        }
        return new Value(n.name(), n.type());
    }

    /** The outputs named so far. */
    public List<Output> outputs() {
        return java.util.Collections.unmodifiableList(outputs);
    }

    /**
     * The graph built so far. With {@link Flags#IR_SELF_CHECK} on (always in tests) it is also
     * verified and its text form round-tripped, so every graph any test builds checks the IR's
     * promises.
     */
    public Graph build() {
        Graph g = nodes.build(name, outputs);
        if (Flags.IR_SELF_CHECK.get()) {
            Verifier.verify(g);
            RoundTrip.check(g);
        }
        return g;
    }
}
