package dev.javelin.ir.graph;

import dev.javelin.ir.op.Assign;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The def-use facts of an immutable list of nodes (a graph's, or a kernel body's): which node
 * defines a name and at which position, which nodes read it, and how often it is read. Passes ask
 * this instead of building their own name maps; {@link Graph#defUse()} computes it once per graph.
 *
 * <p>Where a name is defined twice (a graph the verifier would reject), the first definition
 * counts, as in {@link Graph#find}. Operands that name no node are not counted anywhere.
 */
public final class DefUse {
    private final List<Node> nodes;
    private final Map<String, Integer> index;
    private final int[] uses;
    private final int[][] users;

    private DefUse(List<Node> nodes, List<Output> outputs) {
        this.nodes = nodes;
        Map<String, Integer> at = new HashMap<>(nodes.size() * 2);
        for (int i = 0; i < nodes.size(); i++) {
            at.putIfAbsent(nodes.get(i).name(), i);
        }
        this.index = Collections.unmodifiableMap(at);
        this.uses = new int[nodes.size()];
        int[] distinctUsers = new int[nodes.size()];
        int[] lastUser = new int[nodes.size()];
        Arrays.fill(lastUser, -1);
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                Integer p = at.get(in);
                if (p != null) {
                    uses[p]++;
                    if (lastUser[p] != i) {
                        lastUser[p] = i;
                        distinctUsers[p]++;
                    }
                }
            }
        }
        for (Output o : outputs) {
            Integer p = at.get(o.node());
            if (p != null) {
                uses[p]++;
            }
        }
        this.users = new int[nodes.size()][];
        for (int p = 0; p < users.length; p++) {
            users[p] = new int[distinctUsers[p]];
            distinctUsers[p] = 0;
        }
        Arrays.fill(lastUser, -1);
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                Integer p = at.get(in);
                if (p != null && lastUser[p] != i) {
                    lastUser[p] = i;
                    users[p][distinctUsers[p]++] = i;
                }
            }
        }
    }

    /** The facts of a graph: its nodes, with its outputs counted as uses. */
    static DefUse of(Graph g) {
        return new DefUse(g.nodes(), g.outputs());
    }

    /** The facts of a node list that is not a graph (a kernel body): no outputs. */
    public static DefUse of(List<Node> nodes) {
        return new DefUse(List.copyOf(nodes), List.of());
    }

    /** The nodes, in order. */
    public List<Node> nodes() {
        return nodes;
    }

    /** The position of the node named {@code name}; -1 if none is. */
    public int indexOf(String name) {
        Integer i = index.get(name);
        return i == null ? -1 : i;
    }

    /** Whether a node is named {@code name}. */
    public boolean defines(String name) {
        return index.containsKey(name);
    }

    /** The node that defines {@code name}; null if none does. */
    public Node producer(String name) {
        Integer i = index.get(name);
        return i == null ? null : nodes.get(i);
    }

    /** The node that defines {@code name}, if any. */
    public Optional<Node> find(String name) {
        return Optional.ofNullable(producer(name));
    }

    /**
     * How many operands and outputs read {@code name}: a node that reads it twice counts twice;
     * 0 for an unknown name.
     */
    public int useCount(String name) {
        Integer i = index.get(name);
        return i == null ? 0 : uses[i];
    }

    /** The positions of the nodes that read node {@code i}, ascending, each once. */
    public int[] users(int i) {
        return users[i].clone();
    }

    /** The nodes that read {@code name}, in node order, each once; empty for an unknown name. */
    public List<Node> users(String name) {
        Integer i = index.get(name);
        if (i == null) {
            return List.of();
        }
        List<Node> out = new ArrayList<>(users[i].length);
        for (int u : users[i]) {
            out.add(nodes.get(u));
        }
        return out;
    }

    /**
     * The node whose value {@code name} holds: itself, or for an {@code assign} (whose value is
     * its second operand's) the node behind that operand, through chains of assigns.
     *
     * @throws IllegalArgumentException if a name on the way names no node
     */
    public String throughAssigns(String name) {
        String at = name;
        for (Node n = require(at); n.op() instanceof Assign; n = require(at)) {
            at = n.inputs().get(1);
        }
        return at;
    }

    private Node require(String name) {
        Node n = producer(name);
        if (n == null) {
            throw new IllegalArgumentException("no node %" + name);
        }
        return n;
    }
}
