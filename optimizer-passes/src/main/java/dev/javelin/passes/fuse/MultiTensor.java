package dev.javelin.passes.fuse;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.passes.lower.OpClass;
import dev.javelin.passes.pipeline.PassContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The multi-tensor groups, formed before any merge and closed to the merges that follow. */
final class MultiTensor {
    private final FusionGraph fg;
    private final Groups groups;
    private final PassContext ctx;

    MultiTensor(FusionGraph fg, Groups groups, PassContext ctx) {
        this.fg = fg;
        this.groups = groups;
        this.ctx = ctx;
    }

    /**
     * The optimizer update: elementwise nodes whose every use is another such node or a parameter
     * assign. Grouped by the dtypes of the assigns they feed; a dtype with two or more assigned
     * values gets one closed multi-tensor group.
     */
    void form() {
        boolean[] assignValue = new boolean[fg.n];
        for (Node a : fg.g.assigns()) {
            assignValue[fg.valueOf(a.inputs().get(1))] = true;
        }
        boolean[] output = new boolean[fg.n];
        for (Output o : fg.g.outputs()) {
            output[fg.valueOf(o.node())] = true;
        }
        boolean[] update = new boolean[fg.n];
        List<Set<String>> reach = new ArrayList<>();
        for (int i = 0; i < fg.n; i++) {
            reach.add(new TreeSet<>());
        }
        for (int i = fg.n - 1; i >= 0; i--) {
            boolean eligible = fg.real(i)
                    && (fg.cls[i] == OpClass.ELEMENTWISE || fg.cls[i] == OpClass.VIEW)
                    && !(fg.nodes.get(i).op() instanceof RandomOp)
                    && !output[i]
                    && (assignValue[i] || fg.consumers[i].length > 0);
            if (!eligible) {
                continue;
            }
            boolean all = true;
            for (int c : fg.consumers[i]) {
                all &= update[c];
            }
            if (!all) {
                continue;
            }
            update[i] = true;
            if (assignValue[i]) {
                reach.get(i).add(fg.nodes.get(i).type().dtype().toString());
            }
            for (int c : fg.consumers[i]) {
                reach.get(i).addAll(reach.get(c));
            }
        }
        Map<String, List<Integer>> byDtype = new LinkedHashMap<>();
        for (int i = 0; i < fg.n; i++) {
            if (update[i] && reach.get(i).size() == 1) {
                byDtype.computeIfAbsent(reach.get(i).iterator().next(), k -> new ArrayList<>())
                        .add(i);
            }
        }
        for (List<Integer> members : byDtype.values()) {
            long assigns = members.stream().filter(i -> assignValue[i]).count();
            if (assigns < 2) {
                continue;
            }
            int target = groups.groupOf[members.getFirst()];
            Groups.Group grp = groups.get(target);
            for (int m : members) {
                groups.move(groups.groupOf[m], target);
            }
            grp.closed = true;
            grp.multiTensor = true;
            ctx.count("multi-tensor-updates", assigns);
        }
    }
}
