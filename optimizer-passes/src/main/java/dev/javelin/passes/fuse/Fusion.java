package dev.javelin.passes.fuse;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.passes.lower.Lowering;
import dev.javelin.passes.lower.OpClass;
import dev.javelin.passes.lower.Partition;
import dev.javelin.passes.pipeline.PassContext;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * Decides which nodes of a specialized, simplified graph run as one kernel. The result is a {@link
 * Partition}; {@link Lowering} turns it into a plan.
 *
 * <p><b>What may share a kernel.</b> Every group has one of these shapes, which both codegens know
 * how to generate:
 *
 * <ul>
 *   <li><b>pointwise</b>: elementwise ops (and materialized views) over one iteration space; every
 *       value it writes has that space's element count. Smaller values inside are recomputed per
 *       element through their index maps.
 *   <li><b>reduction</b>: reductions that all reduce the same input shape over the same axes, with
 *       their elementwise producers and consumers; every member has the full element count, the
 *       reduced (kept) count, or one element (softmax, log-softmax, layer norm, cross-entropy and
 *       its gradient each become one such kernel: one pass per reduction over each row).
 *   <li><b>contraction</b> (and every other op with its own loop nest: convolution, pooling,
 *       gather, scatter-add, pad, concat): one such op with an elementwise epilogue of its output's
 *       element count (bias, activation, residual, scale, and values computed beside them), and for
 *       a matmul a pointwise prologue on its operands that nothing else needs.
 *   <li><b>multi-tensor</b>: the optimizer update — every elementwise node that only feeds
 *       parameter assigns — of all parameters of one dtype, when there are at least two; closed to
 *       further fusion.
 * </ul>
 *
 * <p><b>Folded views.</b> A reshape, broadcast, permute or slice (and iota) whose users are all
 * elementwise ops, reductions or views — or, for a reshape, any op — is in no group: each kernel
 * that uses it recomputes it as an index map, so views never cost a kernel or a buffer. Constants
 * are literals in the bodies that use them.
 *
 * <p><b>Legality.</b> Groups grow greedily in graph order: each node's group absorbs its producers'
 * groups when the union has one of the shapes above and no path leaves the union and comes back
 * (that would be a cycle between kernels). Nothing is duplicated except folded views, iota and
 * constants — never a contraction, a reduction or any arithmetic. Groups are ordered
 * topologically, ties broken by their first node, so the result is deterministic.
 *
 * <p><b>Load-time work stays apart.</b> Nodes computed from parameters no assign changes (and
 * constants) alone never share a kernel with nodes that need per-step inputs, so that {@link
 * dev.javelin.passes.lower.Prepack} can move their kernels to load time (a weight's layout
 * change is then done once, not fused into every step).
 *
 * <p>Counters: {@code groups}, {@code folded-views}, {@code multi-tensor-updates} (assigns whose
 * update joined a multi-tensor kernel), {@code fused-pointwise}, {@code fused-reduction}, {@code
 * fused-epilogue} and {@code fused-prologue} (merges by the shape of the result), {@code
 * rejected-cycle}, {@code rejected-shape} and {@code rejected-size} (merges refused in the first sweep over the edges;
 * later sweeps retry them), {@code sweeps}, {@code kept-for-load} (merges refused to keep load-time work apart, first sweep).
 */
public final class Fusion {
    private final Graph g;
    private final int n;
    private final List<Node> nodes;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, Node> byName = new HashMap<>();
    private final OpClass[] cls;
    private final long[] numel;
    private final boolean[] materialized;
    private final boolean[] folded;
    private final int[][] operands;
    private final int[][] producers;
    private final int[][] consumers;
    private final int[] groupOf;
    /** 1 for a real node, plus the views (not constants) it folds in, found by {@link #collect}. */
    private final int[] weight;

    private final boolean[] frozen;
    private final List<Group> groups = new ArrayList<>();
    private final PassContext ctx;
    private int sweeps;
    private boolean firstSweep;

    /**
     * Most nodes one greedy merge may put in a group, counting the views its members fold in. Code
     * generators inline a fused group into one expression per loop (one Java method, one CUDA
     * function) and walk it recursively; a cap keeps that expression's depth and the method's size
     * bounded, so a chain of 100,000 pointwise ops becomes a run of kernels with their intermediates
     * in buffers instead of one that no compiler can take. Far above the groups of real models (tens
     * of nodes), whose plans it leaves alone.
     */
    public static final int MAX_GROUP_NODES = 256;

    /**
     * Longest chain of views a kernel recomputes as index maps: a view further down such a chain is
     * no longer folded but computed by a kernel, for the same reason as {@link #MAX_GROUP_NODES}.
     */
    public static final int MAX_FOLDED_CHAIN = 64;

    /**
     * A future kernel. Members are a list, not a bit set over the graph: merges then cost the size of
     * the groups, not of the graph (a 100,000-node chain makes 100,000 merges).
     */
    private static final class Group {
        final List<Integer> members = new ArrayList<>();
        /** Members plus the views they fold in: what {@link #MAX_GROUP_NODES} bounds. */
        int weight;

        int first = Integer.MAX_VALUE;
        int last = -1;
        boolean closed;
        boolean multiTensor;

        void add(List<Integer> ms, int lo, int hi) {
            members.addAll(ms);
            first = Math.min(first, lo);
            last = Math.max(last, hi);
        }
    }

    /** The members of groups {@code p} and {@code c} together: a merge's candidate. */
    private record Union(List<Integer> list, IntPredicate has) {}

    private Fusion(Graph g, PassContext ctx) {
        this.g = g;
        this.ctx = ctx;
        this.nodes = g.nodes();
        this.n = nodes.size();
        for (int i = 0; i < n; i++) {
            index.put(nodes.get(i).name(), i);
            byName.put(nodes.get(i).name(), nodes.get(i));
        }
        cls = new OpClass[n];
        numel = new long[n];
        materialized = new boolean[n];
        for (int i = 0; i < n; i++) {
            cls[i] = OpClass.of(nodes.get(i).op());
            numel[i] = nodes.get(i).type().shape().numel();
        }
        for (String m : Lowering.materialized(g)) {
            materialized[index.get(m)] = true;
        }
        // Direct users, through assigns (a use of an assign reads its value).
        List<List<Integer>> direct = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            direct.add(new ArrayList<>());
        }
        operands = new int[n][];
        for (int i = 0; i < n; i++) {
            Node node = nodes.get(i);
            if (cls[i] == OpClass.ASSIGN) {
                operands[i] = new int[0];
                continue;
            }
            operands[i] = node.inputs().stream()
                    .mapToInt(in -> index.get(Lowering.resolve(byName, in)))
                    .toArray();
            for (int o : operands[i]) {
                direct.get(o).add(i);
            }
        }
        folded = new boolean[n];
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
                folded[i] = chain[i] <= MAX_FOLDED_CHAIN
                        && direct.get(i).stream().allMatch(c -> switch (cls[c]) {
                            case ELEMENTWISE, REDUCTION, VIEW -> true;
                            case HEAVY -> reshape;
                            default -> false;
                        });
            }
        }
        // Effective edges between real (grouped) nodes: looking through folded nodes.
        producers = new int[n][];
        weight = new int[n];
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
        consumers = new int[n][];
        for (int i = 0; i < n; i++) {
            consumers[i] = users.get(i).stream().mapToInt(Integer::intValue).toArray();
        }
        groupOf = new int[n];
        java.util.Arrays.fill(groupOf, -1);
        // Values computable at load time: from parameters no assign changes, and constants.
        Set<String> assigned = new java.util.HashSet<>();
        for (Node a : g.assigns()) {
            assigned.add(a.inputs().get(0));
        }
        frozen = new boolean[n];
        for (int i = 0; i < n; i++) {
            if (cls[i] == OpClass.SOURCE) {
                frozen[i] = nodes.get(i).op() instanceof dev.javelin.ir.op.Parameter
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
        Set<Integer> seen = new java.util.HashSet<>();
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

    /** A node that belongs to a group: computed by a kernel, not folded, not a buffer or binding. */
    private boolean real(int i) {
        return cls[i] != OpClass.SOURCE && cls[i] != OpClass.ASSIGN && !folded[i];
    }

    /** The kernels for {@code g} (specialized: static shapes), counting what fusion did into {@code ctx}. */
    public static Partition partition(Graph g, PassContext ctx) {
        return new Fusion(g, ctx).run();
    }

    private Partition run() {
        long foldedViews = 0;
        for (int i = 0; i < n; i++) {
            if (folded[i] && cls[i] != OpClass.CONSTANT) {
                foldedViews++;
            }
            if (real(i)) {
                Group grp = new Group();
                grp.add(List.of(i), i, i);
                grp.weight = weight[i];
                grp.closed = cls[i] == OpClass.CONSTANT;
                groupOf[i] = groups.size();
                groups.add(grp);
            }
        }
        ctx.count("folded-views", foldedViews);
        multiTensor();
        boolean changed = true;
        while (changed) {
            changed = false;
            firstSweep = sweeps++ == 0;
            for (int i = 0; i < n; i++) {
                if (!real(i)) {
                    continue;
                }
                for (int p : producers[i]) {
                    changed |= tryMerge(groupOf[p], groupOf[i]);
                }
            }
        }
        ctx.count("sweeps", sweeps);
        List<Group> live = order();
        ctx.count("groups", live.size());
        List<Partition.Group> out = new ArrayList<>();
        for (Group grp : live) {
            List<String> names = new ArrayList<>();
            grp.members.stream().sorted().forEach(m -> names.add(nodes.get(m).name()));
            out.add(new Partition.Group(names, grp.multiTensor));
        }
        return new Partition(out);
    }

    /**
     * The optimizer update: elementwise nodes whose every use is another such node or a parameter
     * assign. Grouped by the dtypes of the assigns they feed; a dtype with two or more assigned
     * values gets one closed multi-tensor group.
     */
    private void multiTensor() {
        boolean[] assignValue = new boolean[n];
        for (Node a : g.assigns()) {
            assignValue[index.get(Lowering.resolve(byName, a.inputs().get(1)))] = true;
        }
        boolean[] output = new boolean[n];
        for (Output o : g.outputs()) {
            output[index.get(Lowering.resolve(byName, o.node()))] = true;
        }
        boolean[] update = new boolean[n];
        List<Set<String>> reach = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            reach.add(new TreeSet<>());
        }
        for (int i = n - 1; i >= 0; i--) {
            boolean eligible = real(i)
                    && (cls[i] == OpClass.ELEMENTWISE || cls[i] == OpClass.VIEW)
                    && !(nodes.get(i).op() instanceof RandomOp)
                    && !output[i]
                    && (assignValue[i] || consumers[i].length > 0);
            if (!eligible) {
                continue;
            }
            boolean all = true;
            for (int c : consumers[i]) {
                all &= update[c];
            }
            if (!all) {
                continue;
            }
            update[i] = true;
            if (assignValue[i]) {
                reach.get(i).add(nodes.get(i).type().dtype().toString());
            }
            for (int c : consumers[i]) {
                reach.get(i).addAll(reach.get(c));
            }
        }
        Map<String, List<Integer>> byDtype = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
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
            int target = groupOf[members.getFirst()];
            Group grp = groups.get(target);
            for (int m : members) {
                move(groupOf[m], target);
            }
            grp.closed = true;
            grp.multiTensor = true;
            ctx.count("multi-tensor-updates", assigns);
        }
    }

    private void move(int from, int to) {
        if (from == to) {
            return;
        }
        Group src = groups.get(from);
        src.members.forEach(m -> groupOf[m] = to);
        groups.get(to).add(src.members, src.first, src.last);
        groups.get(to).weight += src.weight;
        src.members.clear();
        src.weight = 0;
    }

    private boolean tryMerge(int p, int c) {
        if (p == c || groups.get(p).closed || groups.get(c).closed) {
            return false;
        }
        if (groups.get(p).weight + groups.get(c).weight > MAX_GROUP_NODES) {
            if (firstSweep) {
                ctx.count("rejected-size");
            }
            return false;
        }
        if (frozen(groups.get(p).members) != frozen(groups.get(c).members)) {
            if (firstSweep) {
                ctx.count("kept-for-load");
            }
            return false;
        }
        List<Integer> both = new ArrayList<>(groups.get(p).members);
        both.addAll(groups.get(c).members);
        String shape = shape(new Union(both, m -> groupOf[m] == p || groupOf[m] == c));
        if (shape == null) {
            if (firstSweep) {
                ctx.count("rejected-shape");
            }
            return false;
        }
        if (cycle(p, c)) {
            if (firstSweep) {
                ctx.count("rejected-cycle");
            }
            return false;
        }
        ctx.count("fused-" + shape);
        move(p, c);
        return true;
    }

    /**
     * Whether a path leaves group {@code p}, passes through another group and reaches group {@code
     * c}: then merging them would make a kernel depend on itself. The walk is over groups, not
     * nodes: a kernel needs all its inputs before it writes any output, so reaching any member of a
     * group reaches every member's users.
     */
    private boolean cycle(int p, int c) {
        int lastOfC = groups.get(c).last;
        Set<Integer> seen = new java.util.HashSet<>(List.of(p, c));
        ArrayList<Integer> stack = new ArrayList<>();
        stack.add(p);
        while (!stack.isEmpty()) {
            int gid = stack.removeLast();
            for (int m : groups.get(gid).members) {
                for (int u : consumers[m]) {
                    int h = groupOf[u];
                    if (h == c && gid != p) {
                        return true;
                    }
                    if (groups.get(h).first < lastOfC && seen.add(h)) {
                        stack.add(h);
                    }
                }
            }
        }
        return false;
    }

    /** Whether every member depends only on parameters no assign changes (and constants). */
    private boolean frozen(List<Integer> members) {
        for (int m : members) {
            if (!frozen[m]) {
                return false;
            }
        }
        return true;
    }

    private boolean written(int m, Union members) {
        if (materialized[m]) {
            return true;
        }
        for (int u : consumers[m]) {
            if (!members.has().test(u)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The kind of kernel {@code members} would make ({@code "pointwise"}, {@code "reduction"},
     * {@code "epilogue"} or {@code "prologue"}), or null when no codegen shape holds them.
     */
    private String shape(Union members) {
        int heavy = -1;
        List<Integer> reductions = new ArrayList<>();
        for (int m : members.list()) {
            if (cls[m] == OpClass.HEAVY) {
                if (heavy >= 0) {
                    return null;
                }
                heavy = m;
            } else if (cls[m] == OpClass.REDUCTION) {
                reductions.add(m);
            }
        }
        if (heavy >= 0) {
            return reductions.isEmpty() ? contraction(members, heavy) : null;
        }
        if (!reductions.isEmpty()) {
            return reduction(members, reductions);
        }
        long domain = 0;
        for (int m : members.list()) {
            domain = Math.max(domain, numel[m]);
        }
        for (int m : members.list()) {
            if (numel[m] != domain && written(m, members)) {
                return null;
            }
        }
        return "pointwise";
    }

    private String reduction(Union members, List<Integer> reductions) {
        Shape domain = null;
        Set<Integer> axes = null;
        for (int r : reductions) {
            Node node = nodes.get(r);
            TensorType in = nodes.get(operands[r][0]).type();
            Set<Integer> a = switch (node.op()) {
                case Reduce red -> new TreeSet<>(red.axes());
                case ArgMax am -> new TreeSet<>(List.of(am.axis()));
                default -> throw new IllegalStateException("not a reduction: " + node);
            };
            if (domain == null) {
                domain = in.shape();
                axes = a;
            } else if (!domain.equals(in.shape()) || !axes.equals(a)) {
                return null;
            }
        }
        long full = domain.numel();
        long reduced = 1;
        for (int a : axes) {
            reduced *= domain.dim(a).size();
        }
        long kept = reduced == 0 ? 0 : full / reduced;
        for (int m : members.list()) {
            boolean atDomain = numel[m] == full || numel[m] == kept;
            if (!atDomain && (numel[m] != 1 || written(m, members))) {
                return null;
            }
        }
        return "reduction";
    }

    private String contraction(Union members, int heavy) {
        // Members the heavy op depends on inside the group: its prologue.
        BitSet before = new BitSet();
        ArrayList<Integer> stack = new ArrayList<>(List.of(heavy));
        while (!stack.isEmpty()) {
            int x = stack.removeLast();
            for (int p : producers[x]) {
                if (members.has().test(p) && !before.get(p)) {
                    before.set(p);
                    stack.add(p);
                }
            }
        }
        // Members that depend on the heavy op: its epilogue proper.
        BitSet after = new BitSet();
        stack.add(heavy);
        while (!stack.isEmpty()) {
            int x = stack.removeLast();
            for (int u : consumers[x]) {
                if (members.has().test(u) && !after.get(u)) {
                    after.set(u);
                    stack.add(u);
                }
            }
        }
        long out = numel[heavy];
        for (int m : members.list()) {
            if (m == heavy) {
                continue;
            }
            if (before.get(m)) {
                if (!(nodes.get(heavy).op() instanceof MatMul) || written(m, members)) {
                    return null;
                }
                for (int u : consumers[m]) {
                    if (members.has().test(u) && u != heavy && !before.get(u)) {
                        return null;
                    }
                }
            } else if ((after.get(m) || written(m, members)) && numel[m] != out) {
                return null;
            }
        }
        return before.isEmpty() ? "epilogue" : "prologue";
    }

    /** Groups in a topological order of the kernels they become; ties go to the earliest first node. */
    private List<Group> order() {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            if (!groups.get(i).members.isEmpty()) {
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
            groups.get(id).members.forEach(m -> {
                for (int u : consumers[m]) {
                    int to = groupOf[u];
                    if (to != id && next.get(id).add(to)) {
                        indegree.merge(to, 1, Integer::sum);
                    }
                }
            });
        }
        PriorityQueue<Integer> ready =
                new PriorityQueue<>(java.util.Comparator.comparingInt(id -> groups.get(id).first));
        ids.stream().filter(id -> indegree.get(id) == 0).forEach(ready::add);
        List<Group> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            int id = ready.poll();
            out.add(groups.get(id));
            for (int to : next.get(id)) {
                if (indegree.merge(to, -1, Integer::sum) == 0) {
                    ready.add(to);
                }
            }
        }
        if (out.size() != ids.size()) {
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                if (!out.contains(groups.get(id))) {
                    sb.append("\n  group ").append(id).append(": ");
                    groups.get(id).members.stream()
                            .sorted()
                            .forEach(m -> sb.append(nodes.get(m).name()).append(' '));
                    sb.append(" -> ").append(next.get(id));
                }
            }
            throw new IllegalStateException("fusion of graph " + g.name() + " made a cycle between kernels" + sb);
        }
        return out;
    }
}
