package dev.javelin.passes.simplify;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Parameter;
import dev.javelin.passes.pipeline.Pass;
import dev.javelin.passes.pipeline.PassContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Dead-code elimination. Guarantees: every node that remains is an input, a parameter, an assign,
 * or is used (transitively) by an output or an assign; the nodes that remain keep their names and
 * relative order; outputs are unchanged. Inputs and parameters are kept even when unused: they are
 * the graph's interface (what a caller feeds and what a checkpoint holds), and removing one would
 * change how the graph is run. Counter: {@code removed}.
 */
public final class Dce implements Pass {
    @Override
    public String name() {
        return "dce";
    }

    @Override
    public Graph run(Graph g, PassContext ctx) {
        Set<String> live = new HashSet<>();
        for (Output o : g.outputs()) {
            live.add(o.node());
        }
        List<Node> nodes = g.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (isRoot(n)) {
                live.add(n.name());
            }
            if (live.contains(n.name())) {
                live.addAll(n.inputs());
            }
        }
        List<Node> kept = new ArrayList<>();
        for (Node n : nodes) {
            if (live.contains(n.name())) {
                kept.add(n);
            }
        }
        if (kept.size() == nodes.size()) {
            return g;
        }
        ctx.count("removed", nodes.size() - kept.size());
        return new Graph(g.name(), kept, g.outputs());
    }

    private static boolean isRoot(Node n) {
        return n.op() instanceof Assign || n.op() instanceof Input || n.op() instanceof Parameter;
    }
}
