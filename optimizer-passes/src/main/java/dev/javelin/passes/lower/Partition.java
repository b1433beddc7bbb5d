package dev.javelin.passes.lower;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.plan.Kernel;
import java.util.ArrayList;
import java.util.List;

/**
 * Which graph nodes run together: each {@link Group} becomes one kernel. A computing node in no
 * group is <em>folded</em>: a constant, or a view or iota that every kernel using it recomputes in
 * its own body (an index map, never a launch or a buffer). Inputs, parameters and assigns are in
 * no group: they are buffers and bindings.
 *
 * @param groups the kernels to be, each with its member node names in graph order
 */
public record Partition(List<Group> groups) {
    /**
     * One future kernel.
     *
     * @param members names of the graph nodes it computes, in graph order
     * @param multiTensor the optimizer update of several parameters in one launch
     * @param attention scaled dot-product attention as one kernel ({@link Kernel.Kind#ATTENTION})
     */
    public record Group(List<String> members, boolean multiTensor, boolean attention) {
        public Group {
            members = List.copyOf(members);
            if (members.isEmpty()) {
                throw new IllegalArgumentException("a group needs at least one node");
            }
        }

        public Group(List<String> members, boolean multiTensor) {
            this(members, multiTensor, false);
        }
    }

    public Partition {
        groups = List.copyOf(groups);
    }

    /**
     * One group per computing primitive, constants folded into their users unless an output or
     * assign needs them in a buffer: the {@code --no-fusion} plan.
     */
    public static Partition unfused(Graph g) {
        List<String> materialized = Lowering.materialized(g);
        List<Group> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            boolean computing = !(n.op() instanceof Input || n.op() instanceof Parameter || n.op() instanceof Assign);
            if (computing && (!(n.op() instanceof Constant) || materialized.contains(n.name()))) {
                out.add(new Group(List.of(n.name()), false));
            }
        }
        return new Partition(out);
    }
}
