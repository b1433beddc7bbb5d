package dev.javelin.passes.fuse;

import dev.javelin.ir.graph.DefUse;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.op.Reshape;
import dev.javelin.passes.lower.Lowering;
import dev.javelin.passes.lower.OpClass;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What fusion knows of a graph, by node index: each node's class and element count, which nodes
 * are folded views, and the edges between the nodes that kernels compute (looking through folded
 * ones). Built once; the policy and the driver only read it.
 */
final class FusionGraph {
    final Graph g;
    final int n;
    final List<Node> nodes;
    final DefUse defs;
    final OpClass[] cls;
    final long[] numel;
    final boolean[] materialized;
    final boolean[] folded;
    final int[][] operands;
    final int[][] producers;
    final int[][] consumers;
    /** 1 for a real node, plus the views (not constants) it folds in, found by {@link #collect}. */
    final int[] weight;
    /** Computable at load time: from parameters no assign changes, and constants. */
    final boolean[] frozen;

    FusionGraph(Graph g) {
        this.g = g;
        this.nodes = g.nodes();
        this.n = nodes.size();
        this.defs = g.defUse();
        cls = new OpClass[n];
        numel = new long[n];
        materialized = new boolean[n];
        for (int i = 0; i < n; i++) {
            cls[i] = OpClass.of(nodes.get(i).op());
            numel[i] = nodes.get(i).type().shape().numel();
        }
        for (String m : Lowering.materialized(g)) {
            materialized[defs.indexOf(m)] = true;
        }
        operands = new int[n][];
        List<List<Integer>> direct = directUsers();
        folded = new boolean[n];
        fold(direct);
        producers = new int[n][];
        consumers = new int[n][];
        weight = new int[n];
        edges();
        frozen = new boolean[n];
        freeze();
    }

    /** Direct users, through assigns (a use of an assign reads its value); fills {@link #operands}. */
    private List<List<Integer>> directUsers() {
        List<List<Integer>> direct = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            direct.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            if (cls[i] == OpClass.ASSIGN) {
                operands[i] = new int[0];
                continue;
            }
            operands[i] = node.inputs().stream().mapToInt(this::valueOf).toArray();
            for (int o : operands[i]) {
                direct.get(o).add(i);
            }
        }
        return direct;
    }

    private void fold(List<List<Integer>> direct) {
        int[] chain = new int[n];
        for (int i = 0; i < n; i++) {
            if (materialized[i]) {
                continue;
            }
            if (cls[i] == OpClass.CONSTANT) {
                folded[i] = true;
            } else if (cls[i] == OpClass.VIEW || cls[i] == OpClass.GENERATOR) {
                boolean reshape = nodes.get(i).op() instanceof Reshape;
                for (int o : operands[i]) {
                    chain[i] = Math.max(chain[i], folded[o] ? chain[o] + 1 : 1);
                }
                folded[i] = chain[i] <= Fusion.MAX_FOLDED_CHAIN
                        && direct.get(i).stream().allMatch(c -> switch (cls[c]) {
                            case ELEMENTWISE, REDUCTION, VIEW -> true;
                            case HEAVY -> reshape;
                            default -> false;
                        });
            }
        }
    }

    /** Effective edges between real (grouped) nodes: looking through folded nodes. */
    private void edges() {
        List<List<Integer>> users = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            users.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            if (!real(i)) {
                producers[i] = new int[0];
                continue;
            }
            TreeSet<Integer> ps = new TreeSet<>();
            weight[i] = 1 + collect(i, ps);
            producers[i] = ps.stream().mapToInt(Integer::intValue).toArray();
            for (int p : producers[i]) {
                users.get(p).add(i);
            }
        }
        for (int i = 0; i < n; i++) {
            consumers[i] = users.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private void freeze() {
        Set<String> assigned = new HashSet<>();
        for (Node a : g.assigns()) {
            assigned.add(a.inputs().get(0));
        }
        for (int i = 0; i < n; i++) {
            if (cls[i] == OpClass.SOURCE) {
                frozen[i] = nodes.get(i).op() instanceof Parameter
                        && !assigned.contains(nodes.get(i).name());
            } else if (cls[i] != OpClass.ASSIGN) {
                boolean all = true;
                for (int o : operands[i]) {
                    all &= frozen[o];
                }
                frozen[i] = all;
            }
        }
    }

    /**
     * Adds the real nodes {@code i} reads to {@code out}, looking through folded ones (a worklist:
     * view chains may be long), and returns how many folded views it went through.
     */
    private int collect(int i, Set<Integer> out) {
        int views = 0;
        ArrayList<Integer> todo = new ArrayList<>(List.of(i));
        Set<Integer> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            for (int o : operands[todo.removeLast()]) {
                if (folded[o] && seen.add(o)) {
                    todo.add(o);
                    views += cls[o] == OpClass.CONSTANT ? 0 : 1;
                } else if (real(o)) {
                    out.add(o);
                }
            }
        }
        return views;
    }

    /** The index of the node whose value {@code name} holds (an assign's is its value operand's). */
    int valueOf(String name) {
        return defs.indexOf(defs.throughAssigns(name));
    }

    /** A node that belongs to a group: computed by a kernel, not folded, not a buffer or binding. */
    boolean real(int i) {
        return cls[i] != OpClass.SOURCE && cls[i] != OpClass.ASSIGN && !folded[i];
    }

    /** {@code %name (op)}: how decisions name a node. */
    String label(int i) {
        return "%" + nodes.get(i).name() + " (" + nodes.get(i).op().mnemonic() + ")";
    }

    long bytes(int i) {
        return numel[i] * nodes.get(i).type().dtype().byteSize();
    }
}
