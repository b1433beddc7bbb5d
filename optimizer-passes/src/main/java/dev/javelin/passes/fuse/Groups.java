package dev.javelin.passes.fuse;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;

/** The future kernels while fusion runs: which group each real node is in, and merging them. */
final class Groups {
    /**
     * A future kernel. Members are a list, not a bit set over the graph: merges then cost the size
     * of the groups, not of the graph (a 100,000-node chain makes 100,000 merges).
     */
    static final class Group {
        final List<Integer> members = new ArrayList<>();
        /** Members plus the views they fold in: what {@link Fusion#MAX_GROUP_NODES} bounds. */
        int weight;

        int first = Integer.MAX_VALUE;
        int last = -1;
        boolean closed;
        boolean multiTensor;
        /** Formed whole by {@link AttentionGroups}: one attention kernel. */
        boolean attention;

        void add(List<Integer> ms, int lo, int hi) {
            members.addAll(ms);
            first = Math.min(first, lo);
            last = Math.max(last, hi);
        }
    }

    private final FusionGraph fg;
    final List<Group> all = new ArrayList<>();
    final int[] groupOf;

    /** One group per real node. */
    Groups(FusionGraph fg) {
        this.fg = fg;
        groupOf = new int[fg.n];
        Arrays.fill(groupOf, -1);
        for (int i = 0; i < fg.n; i++) {
            if (fg.real(i)) {
                Group grp = new Group();
                grp.add(List.of(i), i, i);
                grp.weight = fg.weight[i];
                grp.closed = fg.cls[i] == dev.javelin.passes.lower.OpClass.CONSTANT;
                groupOf[i] = all.size();
                all.add(grp);
            }
        }
    }

    Group get(int id) {
        return all.get(id);
    }

    /** Moves every member of group {@code from} into group {@code to}. */
    void move(int from, int to) {
        if (from == to) {
            return;
        }
        Group src = all.get(from);
        src.members.forEach(m -> groupOf[m] = to);
        all.get(to).add(src.members, src.first, src.last);
        all.get(to).weight += src.weight;
        src.members.clear();
        src.weight = 0;
    }

    /** Groups in a topological order of the kernels they become; ties go to the earliest first node. */
    List<Group> order() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (!all.get(i).members.isEmpty()) {
                ids.add(i);
            }
        }
        Map<Integer, Integer> indegree = new HashMap<>();
        Map<Integer, TreeSet<Integer>> next = new HashMap<>();
        for (int id : ids) {
            indegree.put(id, 0);
            next.put(id, new TreeSet<>());
        }
        for (int id : ids) {
            all.get(id).members.forEach(m -> {
                for (int u : fg.consumers[m]) {
                    int to = groupOf[u];
                    if (to != id && next.get(id).add(to)) {
                        indegree.merge(to, 1, Integer::sum);
                    }
                }
            });
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>(Comparator.comparingInt(id -> all.get(id).first));
        ids.stream().filter(id -> indegree.get(id) == 0).forEach(ready::add);
        List<Group> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            int id = ready.poll();
            out.add(all.get(id));
            for (int to : next.get(id)) {
                if (indegree.merge(to, -1, Integer::sum) == 0) {
                    ready.add(to);
                }
            }
        }
        if (out.size() != ids.size()) {
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                if (!out.contains(all.get(id))) {
                    sb.append("\n  group ").append(id).append(": ");
                    all.get(id).members.stream()
                            .sorted()
                            .forEach(m -> sb.append(fg.nodes.get(m).name()).append(' '));
                    sb.append(" -> ").append(next.get(id));
                }
            }
            throw new IllegalStateException("fusion of graph " + fg.g.name() + " made a cycle between kernels" + sb);
        }
        return out;
    }
}
