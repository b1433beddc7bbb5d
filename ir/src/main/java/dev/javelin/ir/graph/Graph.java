package dev.javelin.ir.graph;

import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Parameter;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An immutable graph: nodes in definition order, and named outputs. Construction checks only
 * that the parts are present; {@code dev.javelin.ir.verify.Verifier} checks every invariant (a
 * parsed file may break any of them, and the verifier reports all such breaks by name).
 */
public final class Graph {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

    private final String name;
    private final List<Node> nodes;
    private final List<Output> outputs;
    /** Computed on first use: most graphs a pass makes are only handed on to the next pass. */
    private volatile DefUse defUse;

    public Graph(String name, List<Node> nodes, List<Output> outputs) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("graph name must be an identifier, got '" + name + "'");
        }
        this.name = name;
        this.nodes = List.copyOf(nodes);
        this.outputs = List.copyOf(outputs);
    }

    public String name() {
        return name;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<Output> outputs() {
        return outputs;
    }

    /**
     * The graph's def-use facts (producers, users, use counts), computed once and cached: the
     * graph is immutable, so they never go stale.
     */
    public DefUse defUse() {
        DefUse d = defUse;
        if (d == null) {
            d = DefUse.of(this);
            defUse = d;
        }
        return d;
    }

    /** The (first) node of that name. */
    public Optional<Node> find(String nodeName) {
        return defUse().find(nodeName);
    }

    /** The node of that name, or an exception naming it. */
    public Node node(String nodeName) {
        Node n = defUse().producer(nodeName);
        if (n == null) {
            throw new IllegalArgumentException("graph " + name + " has no node %" + nodeName);
        }
        return n;
    }

    public List<Node> inputs() {
        return nodes.stream().filter(n -> n.op() instanceof Input).toList();
    }

    public List<Node> parameters() {
        return nodes.stream().filter(n -> n.op() instanceof Parameter).toList();
    }

    public List<Node> assigns() {
        return nodes.stream().filter(n -> n.op() instanceof Assign).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Graph g && g.name.equals(name) && g.nodes.equals(nodes) && g.outputs.equals(outputs);
    }

    @Override
    public int hashCode() {
        return (name.hashCode() * 31 + nodes.hashCode()) * 31 + outputs.hashCode();
    }

    @Override
    public String toString() {
        return "Graph[" + name + ", " + nodes.size() + " nodes, " + outputs.size() + " outputs]";
    }
}
