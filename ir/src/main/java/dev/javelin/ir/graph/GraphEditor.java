package dev.javelin.ir.graph;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph that a pass rebuilds node by node: the nodes emitted so far, in order, and the node
 * behind each name among them. Unlike {@link GraphBuilder} it takes finished nodes (a pass copies
 * or rewrites nodes whose types and source locations it already knows) and infers nothing. Not
 * thread-safe.
 */
public final class GraphEditor {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Node> byName = new HashMap<>();

    /**
     * Appends {@code n}.
     *
     * @throws IllegalArgumentException if a node of that name was already emitted
     */
    public void add(Node n) {
        if (byName.putIfAbsent(n.name(), n) != null) {
            throw new IllegalArgumentException("node %" + n.name() + " is emitted twice");
        }
        nodes.add(n);
    }

    /** The emitted node named {@code name}; null if none is (yet). */
    public Node get(String name) {
        return byName.get(name);
    }

    /** Whether a node named {@code name} was emitted. */
    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** The nodes emitted so far, in order (a read-only view that grows as nodes are added). */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** The graph of the nodes emitted so far, with these outputs. */
    public Graph build(String name, List<Output> outputs) {
        return new Graph(name, nodes, outputs);
    }
}
