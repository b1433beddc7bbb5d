package dev.javelin.ir.interp;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Checks the feeds of a run against the graph's inputs and parameters and binds the symbolic
 * dimensions from them; then gives every node's type a concrete shape under that binding.
 */
final class Feeds {
    private Feeds() {}

    /** Where a symbol got its size, to name both sides when another feed disagrees. */
    private record Binding(long size, String source) {}

    /** The size of every symbol the feeds bind, after checking that the feeds fit the graph. */
    static Map<String, Long> bind(Graph g, Map<String, NdArray> feeds) {
        if (feeds == null) {
            throw new InterpreterException("feeds of graph " + g.name() + " must be a map, found null");
        }
        List<Node> fed = g.nodes().stream()
                .filter(n -> n.op() instanceof Input || n.op() instanceof Parameter)
                .toList();
        for (Node n : fed) {
            if (!feeds.containsKey(n.name())) {
                throw new InterpreterException("no feed for " + kind(n) + " %" + n.name() + " : " + n.type() + " (fed: "
                        + new TreeSet<>(feeds.keySet()) + ")");
            }
        }
        for (String name : feeds.keySet()) {
            if (fed.stream().noneMatch(n -> n.name().equals(name))) {
                throw new InterpreterException("feed '" + name + "' names no input or parameter of graph " + g.name()
                        + " (expected " + fed.stream().map(n -> "%" + n.name()).toList() + ")");
            }
        }
        Map<String, Binding> symbols = new HashMap<>();
        for (Node n : fed) {
            check(n, feeds.get(n.name()), symbols);
        }
        Map<String, Long> sizes = new HashMap<>();
        symbols.forEach((k, v) -> sizes.put(k, v.size()));
        return sizes;
    }

    private static void check(Node n, NdArray value, Map<String, Binding> symbols) {
        String who = kind(n) + " %" + n.name();
        TensorType want = n.type();
        if (value == null) {
            throw new InterpreterException(who + ": expected " + want + ", found a null feed");
        }
        TensorType found = value.type();
        if (value.dtype() != want.dtype()) {
            throw new InterpreterException(who + ": expected dtype " + want.dtype() + " (" + want + "), found "
                    + value.dtype() + " (" + found + ")");
        }
        if (value.rank() != want.rank()) {
            throw new InterpreterException(who + ": expected rank " + want.rank() + " (" + want + "), found rank "
                    + value.rank() + " (" + found + ")");
        }
        for (int axis = 0; axis < want.rank(); axis++) {
            long size = value.dim(axis);
            switch (want.shape().dim(axis)) {
                case Dim.Fixed f -> {
                    if (f.size() != size) {
                        throw new InterpreterException(who + ": expected size " + f.size() + " on axis " + axis + " ("
                                + want + "), found " + size + " (" + found + ")");
                    }
                }
                case Dim.Sym s -> {
                    String here = who + " axis " + axis;
                    Binding b = symbols.putIfAbsent(s.name(), new Binding(size, here));
                    if (b != null && b.size() != size) {
                        throw new InterpreterException(who + ": symbolic dimension '" + s.name() + "' is " + size
                                + " on axis " + axis + " (" + found + " for " + want + "), but " + b.source()
                                + " bound it to " + b.size());
                    }
                }
            }
        }
    }

    private static String kind(Node n) {
        return n.op() instanceof Input ? "input" : "parameter";
    }

    /** The concrete shape of {@code n}'s type under the bound symbols. */
    static long[] shapeOf(Node n, Map<String, Long> symbols) {
        List<Dim> dims = n.type().shape().dims();
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = switch (dims.get(i)) {
                case Dim.Fixed f -> f.size();
                case Dim.Sym sym -> {
                    Long v = symbols.get(sym.name());
                    if (v == null) {
                        throw InterpreterException.at(
                                n,
                                "symbolic dimension '" + sym.name() + "' of " + n.type()
                                        + " is bound by no input or parameter; feed a tensor that has it");
                    }
                    yield v;
                }
            };
        }
        return s;
    }
}
