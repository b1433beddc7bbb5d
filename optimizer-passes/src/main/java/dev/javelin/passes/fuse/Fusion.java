package dev.javelin.passes.fuse;

import dev.javelin.ir.graph.Graph;
import dev.javelin.passes.lower.Lowering;
import dev.javelin.passes.lower.OpClass;
import dev.javelin.passes.lower.Partition;
import dev.javelin.passes.pipeline.PassContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 *   <li><b>attention</b>: {@code softmax(matmul(Q, K2) ∘ c [+ mask]) · V} whole, where no
 *       intermediate is used outside it and the target takes it ({@link AttentionGroups}); formed
 *       after the multi-tensor groups, before any merge, and closed to further fusion.
 * </ul>
 *
 * <p><b>Folded views.</b> A reshape, broadcast, permute or slice (and iota) whose users are all
 * elementwise ops, reductions or views — or, for a reshape, any op — is in no group: each kernel
 * that uses it recomputes it as an index map, so views never cost a kernel or a buffer. Constants
 * are literals in the bodies that use them.
 *
 * <p><b>Legality and order.</b> Groups grow greedily in graph order: each node's group absorbs its
 * producers' groups when {@link FusionPolicy#legal} holds — the union has one of the shapes above,
 * the target's {@link FusionVeto} accepts it, and no path leaves the union and comes back (that
 * would be a cycle between kernels). Where several of a node's producer groups could merge, they
 * are tried in the order of their {@link Score} (ties in graph order), so when one merge rules out
 * another the one that saves more wins. Every merge made and every merge still refused at the end
 * is recorded with its score or {@link Refusal} in the {@link FusionResult}. Nothing is duplicated
 * except folded views, iota and constants — never a contraction, a reduction or any arithmetic.
 * Groups are ordered topologically, ties broken by their first node, so the result is
 * deterministic.
 *
 * <p><b>Load-time work stays apart.</b> Nodes computed from parameters no assign changes (and
 * constants) alone never share a kernel with nodes that need per-step inputs, so that {@link
 * dev.javelin.passes.lower.Prepack} can move their kernels to load time (a weight's layout
 * change is then done once, not fused into every step).
 *
 * <p>Counters: {@code groups}, {@code folded-views}, {@code multi-tensor-updates} (assigns whose
 * update joined a multi-tensor kernel), {@code fused-pointwise}, {@code fused-reduction}, {@code
 * fused-epilogue} and {@code fused-prologue} (merges by the shape of the result), {@code
 * fused-attention} and {@code rejected-attention} (attention groups formed and refused), {@code
 * rejected-cycle}, {@code rejected-shape}, {@code rejected-size} and {@code rejected-veto} (merges
 * refused in the first sweep over the edges; later sweeps retry them), {@code sweeps}, {@code
 * kept-for-load} (merges refused to keep load-time work apart, first sweep).
 */
public final class Fusion {
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

    private final FusionGraph fg;
    private final Groups groups;
    private final FusionPolicy policy;
    private final FusionVeto veto;
    private final String target;
    private final PassContext ctx;
    private final List<FusionDecision> merges = new ArrayList<>();
    /** The refusals of the sweep under way, one per pair of groups (producer group, consumer group). */
    private Map<List<Integer>, FusionDecision> refusals = new LinkedHashMap<>();

    private int sweeps;
    private boolean firstSweep;

    private Fusion(Graph g, PassContext ctx, FusionVeto veto) {
        this.fg = new FusionGraph(g);
        this.groups = new Groups(fg);
        this.policy = new FusionPolicy(fg, groups, veto);
        this.veto = veto;
        this.target = veto.target();
        this.ctx = ctx;
    }

    /** The kernels for {@code g} (specialized: static shapes) on the java target, counting into {@code ctx}. */
    public static Partition partition(Graph g, PassContext ctx) {
        return run(g, ctx, FusionVeto.forTarget("java")).partition();
    }

    /**
     * The kernels for {@code g} (specialized: static shapes) as {@code veto}'s target accepts them,
     * with every merge made and refused; counts what fusion did into {@code ctx}.
     */
    public static FusionResult run(Graph g, PassContext ctx, FusionVeto veto) {
        return new Fusion(g, ctx, veto).run();
    }

    private FusionResult run() {
        long foldedViews = 0;
        for (int i = 0; i < fg.n; i++) {
            if (fg.folded[i] && fg.cls[i] != OpClass.CONSTANT) {
                foldedViews++;
            }
        }
        ctx.count("folded-views", foldedViews);
        new MultiTensor(fg, groups, ctx).form();
        List<FusionDecision> attention = new AttentionGroups(fg, groups, veto, ctx).form();
        boolean changed = true;
        while (changed) {
            changed = false;
            firstSweep = sweeps++ == 0;
            refusals = new LinkedHashMap<>();
            for (int i = 0; i < fg.n; i++) {
                if (!fg.real(i)) {
                    continue;
                }
                for (int p : candidates(i)) {
                    changed |= tryMerge(p, i);
                }
            }
        }
        ctx.count("sweeps", sweeps);
        List<Groups.Group> live = groups.order();
        ctx.count("groups", live.size());
        List<Partition.Group> out = new ArrayList<>();
        for (Groups.Group grp : live) {
            List<String> names = new ArrayList<>();
            grp.members.stream().sorted().forEach(m -> names.add(fg.nodes.get(m).name()));
            out.add(new Partition.Group(names, grp.multiTensor, grp.attention));
        }
        List<FusionDecision> refused = new ArrayList<>(attention);
        refused.addAll(refusals.values());
        return new FusionResult(new Partition(out), target, merges, refused);
    }

    /**
     * The producers of node {@code i} in the order their merges are tried: graph order, except that
     * where two or more of their groups could merge now, those are tried best {@link Score} first
     * (each taking the place of one of them, so the others keep their places and equal scores keep
     * graph order). A chain's node has one producer and costs nothing here.
     */
    private int[] candidates(int i) {
        int[] ps = fg.producers[i];
        if (ps.length < 2) {
            return ps;
        }
        int c = groups.groupOf[i];
        List<Integer> legalAt = new ArrayList<>();
        Map<Integer, Long> value = new HashMap<>();
        for (int k = 0; k < ps.length; k++) {
            int pg = groups.groupOf[ps[k]];
            if (pg == c) {
                continue;
            }
            if (!value.containsKey(pg)) {
                FusionPolicy.Verdict v = policy.legal(pg, c);
                value.put(pg, v.accepted() ? policy.score(pg, c, v.shape()).value() : null);
            }
            if (value.get(pg) != null) {
                legalAt.add(k);
            }
        }
        if (legalAt.stream().map(k -> groups.groupOf[ps[k]]).distinct().count() < 2) {
            return ps;
        }
        List<Integer> best = new ArrayList<>(legalAt);
        best.sort(Comparator.comparingLong((Integer k) -> -value.get(groups.groupOf[ps[k]]))
                .thenComparingInt(k -> k));
        int[] out = ps.clone();
        for (int j = 0; j < legalAt.size(); j++) {
            out[legalAt.get(j)] = ps[best.get(j)];
        }
        return out;
    }

    /** Merges the group of producer node {@code p} into the group of node {@code i} if the policy allows. */
    private boolean tryMerge(int p, int i) {
        int pg = groups.groupOf[p];
        int c = groups.groupOf[i];
        if (pg == c) {
            return false;
        }
        FusionPolicy.Verdict v = policy.legal(pg, c);
        if (!v.accepted()) {
            if (firstSweep && !v.refusal().counter().isEmpty()) {
                ctx.count(v.refusal().counter());
            }
            refusals.putIfAbsent(List.of(pg, c), FusionDecision.refused(fg.label(p), fg.label(i), v.refusal()));
            return false;
        }
        Score score = policy.score(pg, c, v.shape());
        ctx.count("fused-" + v.shape().text());
        merges.add(FusionDecision.merged(fg.label(p), fg.label(i), v.shape(), score));
        groups.move(pg, c);
        return true;
    }
}
