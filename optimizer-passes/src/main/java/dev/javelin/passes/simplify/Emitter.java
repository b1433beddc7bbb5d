package dev.javelin.passes.simplify;

import dev.javelin.ir.graph.GraphEditor;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.OpTypeError;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * Adds the new nodes of one rewrite. Types are inferred as the graph builder does; the nodes take
 * fresh numeric names and the matched node's source location. The last node emitted, when it is
 * the replacement, takes over the matched node's name, so names stay stable across rewrites.
 */
public final class Emitter {
    private final GraphEditor existing;
    private final Names names;
    private final Node matched;
    private final String rule;
    private final List<Node> emitted = new ArrayList<>();

    Emitter(GraphEditor existing, Names names, Node matched, String rule) {
        this.existing = existing;
        this.names = names;
        this.matched = matched;
        this.rule = rule;
    }

    /** Emits {@code op(inputs...)} and returns its name. */
    public String add(Op op, String... inputs) {
        List<TensorType> types = new ArrayList<>();
        for (String in : inputs) {
            types.add(typeOf(in));
        }
        TensorType t;
        try {
            t = op.infer(types);
        } catch (OpTypeError e) {
            throw new IllegalStateException(
                    "rule " + rule + " built an ill-typed " + op.mnemonic() + " while rewriting %" + matched.name()
                            + ": " + e.getMessage(),
                    e);
        }
        Node n = new Node(names.fresh(), op, List.of(inputs), t, matched.loc());
        emitted.add(n);
        return n.name();
    }

    TensorType typeOf(String name) {
        Node n = existing.get(name);
        if (n == null) {
            n = emitted.stream()
                    .filter(e -> e.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "rule " + rule + " used %" + name + ", which is not a value of the graph"));
        }
        return n.type();
    }

    List<Node> emitted() {
        return emitted;
    }
}
