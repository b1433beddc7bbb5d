package dev.javelin.passes.fuse;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.type.Shape;
import dev.javelin.passes.lower.OpClass;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * Whether two groups may become one kernel ({@link #legal}) and what that is worth ({@link
 * #score}). The checks run cheapest first: a closed group, the size cap, load-time work, the
 * kernel shape, the target's veto, and last the walk that looks for a cycle between kernels.
 */
final class FusionPolicy {
    private final FusionGraph fg;
    private final Groups groups;
    private final FusionVeto veto;

    FusionPolicy(FusionGraph fg, Groups groups, FusionVeto veto) {
        this.fg = fg;
        this.groups = groups;
        this.veto = veto;
    }

    /** The outcome of {@link #legal}: the kernel the union would be, or why there is none. */
    record Verdict(KernelShape shape, Refusal refusal) {
        boolean accepted() {
            return refusal == null;
        }
    }

    /** The members of groups {@code p} and {@code c} together: a merge's candidate. */
    private record Union(List<Integer> list, IntPredicate has) {}

    /** Whether group {@code p} (a producer) and group {@code c} (its consumer) may become one kernel. */
    Verdict legal(int p, int c) {
        Groups.Group gp = groups.get(p);
        Groups.Group gc = groups.get(c);
        if (gp.closed || gc.closed) {
            Groups.Group closed = gp.closed ? gp : gc;
            return refused(new Refusal.Closed(
                    closed.multiTensor
                            ? "the multi-tensor update"
                            : closed.attention
                                    ? "the attention kernel of " + fg.label(closed.members.getFirst())
                                    : "the constant " + fg.label(closed.members.getFirst()) + " (kept in a buffer)"));
        }
        if (gp.weight + gc.weight > Fusion.MAX_GROUP_NODES) {
            return refused(new Refusal.TooLarge(gp.weight + gc.weight, Fusion.MAX_GROUP_NODES));
        }
        boolean fp = frozen(gp.members);
        if (fp != frozen(gc.members)) {
            String a = fg.label(gp.members.getFirst());
            String b = fg.label(gc.members.getFirst());
            return refused(fp ? new Refusal.KeptForLoad(a, b) : new Refusal.KeptForLoad(b, a));
        }
        List<Integer> both = new ArrayList<>(gp.members);
        both.addAll(gc.members);
        Verdict shape = shape(new Union(both, m -> groups.groupOf[m] == p || groups.groupOf[m] == c));
        if (!shape.accepted()) {
            return shape;
        }
        var vetoed = veto.refuse(new FusionVeto.Merge(shape.shape(), nodes(gp.members), nodes(gc.members)));
        if (vetoed.isPresent()) {
            return refused(new Refusal.Vetoed(veto.target(), vetoed.get()));
        }
        int through = cycle(p, c);
        if (through >= 0) {
            return refused(new Refusal.Cycle(fg.label(through)));
        }
        return shape;
    }

    private static Verdict refused(Refusal r) {
        return new Verdict(null, r);
    }

    private static Verdict shaped(KernelShape s) {
        return new Verdict(s, null);
    }

    private List<Node> nodes(List<Integer> members) {
        return members.stream().sorted().map(fg.nodes::get).toList();
    }

    /**
     * What merging group {@code p} into its consumer group {@code c} saves: the bytes of the values
     * {@code p} hands to {@code c} (written and read back, or only read back where the value is still
     * written for someone else), one launch, against the element evaluations a pointwise union
     * repeats (a smaller value recomputed for every element of the larger domain).
     */
    Score score(int p, int c, KernelShape shape) {
        Groups.Group gp = groups.get(p);
        long saved = 0;
        for (int m : gp.members) {
            boolean read = false;
            boolean stillWritten = fg.materialized[m];
            for (int u : fg.consumers[m]) {
                int h = groups.groupOf[u];
                read |= h == c;
                stillWritten |= h != c && h != p;
            }
            if (read) {
                saved += stillWritten ? fg.bytes(m) : 2 * fg.bytes(m);
            }
        }
        long recomputed = 0;
        if (shape == KernelShape.POINTWISE) {
            List<Integer> both = new ArrayList<>(gp.members);
            both.addAll(groups.get(c).members);
            recomputed = repeats(both) - repeats(gp.members) - repeats(groups.get(c).members);
        }
        return new Score(saved, 1, Math.max(0, recomputed));
    }

    /** Element evaluations a pointwise group repeats: each member short of the domain, per element. */
    private long repeats(List<Integer> members) {
        long domain = 0;
        for (int m : members) {
            domain = Math.max(domain, fg.numel[m]);
        }
        long out = 0;
        for (int m : members) {
            out += domain - fg.numel[m];
        }
        return out;
    }

    /**
     * A member of the group through which a path leaves group {@code p} and comes back to group
     * {@code c} (merging them would make a kernel depend on itself), or -1. The walk is over groups,
     * not nodes: a kernel needs all its inputs before it writes any output, so reaching any member of
     * a group reaches every member's users.
     */
    private int cycle(int p, int c) {
        int lastOfC = groups.get(c).last;
        Set<Integer> seen = new HashSet<>(List.of(p, c));
        ArrayList<Integer> stack = new ArrayList<>();
        stack.add(p);
        while (!stack.isEmpty()) {
            int gid = stack.removeLast();
            for (int m : groups.get(gid).members) {
                for (int u : fg.consumers[m]) {
                    int h = groups.groupOf[u];
                    if (h == c && gid != p) {
                        return m;
                    }
                    if (groups.get(h).first < lastOfC && seen.add(h)) {
                        stack.add(h);
                    }
                }
            }
        }
        return -1;
    }

    /** Whether every member depends only on parameters no assign changes (and constants). */
    private boolean frozen(List<Integer> members) {
        for (int m : members) {
            if (!fg.frozen[m]) {
                return false;
            }
        }
        return true;
    }

    private boolean written(int m, Union members) {
        if (fg.materialized[m]) {
            return true;
        }
        for (int u : fg.consumers[m]) {
            if (!members.has().test(u)) {
                return true;
            }
        }
        return false;
    }

    /** The kernel {@code members} would make, or why no codegen shape holds them. */
    private Verdict shape(Union members) {
        int heavy = -1;
        int reduction = -1;
        List<Integer> reductions = new ArrayList<>();
        for (int m : members.list()) {
            if (fg.cls[m] == OpClass.HEAVY) {
                if (heavy >= 0) {
                    return refused(new Refusal.TwoHeavy(fg.label(Math.min(heavy, m)), fg.label(Math.max(heavy, m))));
                }
                heavy = m;
            } else if (fg.cls[m] == OpClass.REDUCTION) {
                reductions.add(m);
                reduction = reduction < 0 ? m : Math.min(reduction, m);
            }
        }
        if (heavy >= 0) {
            return reductions.isEmpty()
                    ? contraction(members, heavy)
                    : refused(new Refusal.HeavyWithReduction(fg.label(heavy), fg.label(reduction)));
        }
        if (!reductions.isEmpty()) {
            return reduction(members, reductions);
        }
        long domain = 0;
        for (int m : members.list()) {
            domain = Math.max(domain, fg.numel[m]);
        }
        for (int m : members.list()) {
            if (fg.numel[m] != domain && written(m, members)) {
                return refused(new Refusal.PointwiseSize(fg.label(m), fg.numel[m], domain));
            }
        }
        return shaped(KernelShape.POINTWISE);
    }

    private Verdict reduction(Union members, List<Integer> reductions) {
        Shape domain = null;
        Set<Integer> axes = null;
        int first = -1;
        for (int r : reductions) {
            Shape in = fg.nodes.get(fg.operands[r][0]).type().shape();
            Set<Integer> a = axes(fg.nodes.get(r));
            if (domain == null) {
                domain = in;
                axes = a;
                first = r;
            } else if (!domain.equals(in) || !axes.equals(a)) {
                int x = Math.min(first, r);
                int y = Math.max(first, r);
                return refused(new Refusal.ReductionMismatch(fg.label(x), reduces(x), fg.label(y), reduces(y)));
            }
        }
        long full = domain.numel();
        long reduced = 1;
        for (int a : axes) {
            reduced *= domain.dim(a).size();
        }
        long kept = reduced == 0 ? 0 : full / reduced;
        for (int m : members.list()) {
            boolean atDomain = fg.numel[m] == full || fg.numel[m] == kept;
            if (!atDomain && (fg.numel[m] != 1 || written(m, members))) {
                return refused(new Refusal.ReductionSize(fg.label(m), fg.numel[m], full, kept));
            }
        }
        return shaped(KernelShape.REDUCTION);
    }

    private static Set<Integer> axes(Node node) {
        return switch (node.op()) {
            case Reduce red -> new TreeSet<>(red.axes());
            case ArgMax am -> new TreeSet<>(List.of(am.axis()));
            default -> throw new IllegalStateException("not a reduction: " + node);
        };
    }

    /** {@code [32, 10] over [1]}: what a reduction's refusal says it reduces. */
    private String reduces(int r) {
        return fg.nodes.get(fg.operands[r][0]).type().shape() + " over " + axes(fg.nodes.get(r));
    }

    private Verdict contraction(Union members, int heavy) {
        BitSet before = reach(members, heavy, fg.producers);
        BitSet after = reach(members, heavy, fg.consumers);
        long out = fg.numel[heavy];
        boolean matmul = fg.nodes.get(heavy).op() instanceof MatMul;
        for (int m : members.list()) {
            if (m == heavy) {
                continue;
            }
            if (before.get(m)) {
                Refusal r = prologue(members, heavy, m, before, matmul);
                if (r != null) {
                    return refused(r);
                }
            } else if ((after.get(m) || written(m, members)) && fg.numel[m] != out) {
                String op = fg.nodes.get(heavy).op().mnemonic();
                return refused(new Refusal.EpilogueSize(op, fg.label(m), fg.numel[m], out));
            }
        }
        return shaped(before.isEmpty() ? KernelShape.EPILOGUE : KernelShape.PROLOGUE);
    }

    /** Why member {@code m}, which {@code heavy} depends on, cannot be its prologue; null if it can. */
    private Refusal prologue(Union members, int heavy, int m, BitSet before, boolean matmul) {
        String node = fg.label(m);
        String h = fg.label(heavy);
        if (!matmul) {
            return new Refusal.Prologue(node, h, "only a matmul takes a prologue");
        }
        if (written(m, members)) {
            return new Refusal.Prologue(node, h, "it is needed outside the kernel");
        }
        for (int u : fg.consumers[m]) {
            if (members.has().test(u) && u != heavy && !before.get(u)) {
                return new Refusal.Prologue(node, h, "it also feeds " + fg.label(u) + ", which comes after the matmul");
            }
        }
        return null;
    }

    /** Members reachable from {@code from} along {@code edges} (producers: its prologue; consumers: its epilogue). */
    private static BitSet reach(Union members, int from, int[][] edges) {
        BitSet seen = new BitSet();
        ArrayList<Integer> stack = new ArrayList<>(List.of(from));
        while (!stack.isEmpty()) {
            int x = stack.removeLast();
            for (int p : edges[x]) {
                if (members.has().test(p) && !seen.get(p)) {
                    seen.set(p);
                    stack.add(p);
                }
            }
        }
        return seen;
    }
}
