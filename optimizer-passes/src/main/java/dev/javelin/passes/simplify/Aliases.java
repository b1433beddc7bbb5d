package dev.javelin.passes.simplify;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Which removed node each use now reads instead: operands and outputs are rewired through it. */
final class Aliases {
    private final Map<String, String> replacedBy = new HashMap<>();

    /** From now on, uses of {@code removed} read {@code by}. */
    void replace(String removed, String by) {
        replacedBy.put(removed, by);
    }

    String resolve(String name) {
        String n = name;
        for (String next = replacedBy.get(n); next != null; next = replacedBy.get(n)) {
            n = next;
        }
        return n;
    }

    boolean isEmpty() {
        return replacedBy.isEmpty();
    }

    /** {@code n} with its operands rewired (the same node when none moved). */
    Node rewire(Node n) {
        List<String> ins = n.inputs().stream().map(this::resolve).toList();
        return ins.equals(n.inputs()) ? n : new Node(n.name(), n.op(), ins, n.type(), n.loc());
    }

    /** The outputs with their nodes rewired; output names never change. */
    List<Output> rewire(List<Output> outputs) {
        return outputs.stream()
                .map(o -> new Output(o.name(), resolve(o.node())))
                .toList();
    }
}
