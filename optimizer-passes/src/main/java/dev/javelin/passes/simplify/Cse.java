package dev.javelin.passes.simplify;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.type.TensorType;
import dev.javelin.passes.pipeline.Pass;
import dev.javelin.passes.pipeline.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Common-subexpression elimination. Guarantees: no two remaining nodes other than inputs,
 * parameters and assigns have the same op (all attributes equal, constants' values compared bit
 * for bit, so {@code 0.0} and {@code -0.0} stay apart), the same operands and the same type; every
 * use of a merged node reads the first such node, which keeps its name and source location.
 *
 * <p>Inputs and parameters are never merged (each is its own feed), nor assigns (each updates
 * state). Random ops are merged when seed, distribution, type and offset operand are equal: a
 * counter-based (Philox) draw is a pure function of {@code (seed, offset, index)}, so two such
 * nodes hold the same numbers on every backend. Counter: {@code merged}.
 */
public final class Cse implements Pass {
    private record Key(Op op, List<String> inputs, TensorType type) {}

    @Override
    public String name() {
        return "cse";
    }

    @Override
    public Graph run(Graph g, PassContext ctx) {
        Map<Key, String> seen = new HashMap<>();
        Aliases aliases = new Aliases();
        List<Node> kept = new ArrayList<>();
        for (Node original : g.nodes()) {
            Node n = aliases.rewire(original);
            if (n.op() instanceof Input || n.op() instanceof Parameter || n.op() instanceof Assign) {
                kept.add(n);
                continue;
            }
            String first = seen.putIfAbsent(new Key(n.op(), n.inputs(), n.type()), n.name());
            if (first == null) {
                kept.add(n);
            } else {
                aliases.replace(n.name(), first);
                ctx.count("merged");
            }
        }
        if (aliases.isEmpty()) {
            return g;
        }
        return new Graph(g.name(), kept, aliases.rewire(g.outputs()));
    }
}
