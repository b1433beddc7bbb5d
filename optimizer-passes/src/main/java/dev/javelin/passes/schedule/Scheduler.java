package dev.javelin.passes.schedule;

import dev.javelin.ir.plan.Binding;
import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Liveness;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.Storage;
import dev.javelin.passes.pipeline.PassContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Chooses a kernel order that lowers peak memory where the kernels' dependencies leave a choice.
 *
 * <p>A greedy list schedule: among the kernels whose inputs are all computed, run the one that
 * grows the live arena bytes least (bytes it writes minus bytes of the reads it is the last to
 * need), ties to the earliest in the given order. The live peak of that order (the largest sum of
 * arena buffers live at one step, as the memory report counts it) is compared with the given
 * order's, and the lower wins (the given order on a tie), so scheduling never makes the peak worse.
 * Kernels are renamed {@code k<position>_...} after their new positions.
 *
 * <p>Guarantees: every kernel still runs after the kernels that write what it reads; the set of
 * kernels, buffers and bindings is unchanged. Counters: {@code live-peak-before}, {@code
 * live-peak-after}, {@code moved} (kernels whose position changed).
 */
public final class Scheduler {
    private Scheduler() {}

    public static Plan schedule(Plan p, PassContext ctx) {
        List<Kernel> given = p.kernels();
        List<Kernel> greedy = greedy(p);
        long before = livePeak(p, given);
        long after = livePeak(p, greedy);
        List<Kernel> chosen = after < before ? greedy : given;
        ctx.count("live-peak-before", before);
        ctx.count("live-peak-after", Math.min(before, after));
        long moved = 0;
        List<Kernel> renamed = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            Kernel k = chosen.get(i);
            if (k != given.get(i)) {
                moved++;
            }
            String rest = k.name().replaceFirst("^k[0-9]+", "");
            String name = rest.equals(k.name()) ? k.name() : "k" + i + rest;
            renamed.add(new Kernel(
                    name, k.kind(), k.reads(), k.writes(), k.body(), k.flops(), k.bytesRead(), k.bytesWritten()));
        }
        ctx.count("moved", moved);
        return new Plan(p.name(), p.sizes(), p.arenaBytes(), p.buffers(), renamed, p.bindings());
    }

    /** The load-time kernels (writing packed buffers) stay first, in order; the rest is scheduled. */
    private static List<Kernel> greedy(Plan p) {
        Map<String, Buffer> buffers = new HashMap<>();
        p.buffers().forEach(b -> buffers.putIfAbsent(b.name(), b));
        List<Kernel> out = new ArrayList<>();
        List<Kernel> ks = new ArrayList<>();
        for (Kernel k : p.kernels()) {
            (p.isLoadTime(k) ? out : ks).add(k);
        }
        Map<String, Integer> writer = new HashMap<>();
        for (int i = 0; i < ks.size(); i++) {
            for (String w : ks.get(i).writes()) {
                writer.put(w, i);
            }
        }
        Map<String, Integer> pendingReaders = new HashMap<>();
        List<Set<Integer>> deps = new ArrayList<>();
        for (Kernel k : ks) {
            Set<Integer> d = new HashSet<>();
            for (String r : k.reads()) {
                pendingReaders.merge(r, 1, Integer::sum);
                Integer w = writer.get(r);
                if (w != null) {
                    d.add(w);
                }
            }
            deps.add(d);
        }
        Set<String> pinned = pinned(p);
        // Only ready kernels are candidates, visited in the given order (ties to the earliest): one
        // scan of them per step, not of every kernel, which a chain of thousands of kernels needs.
        int[] waiting = new int[ks.size()];
        List<List<Integer>> users = new ArrayList<>();
        ks.forEach(k -> users.add(new ArrayList<>()));
        TreeSet<Integer> ready = new TreeSet<>();
        for (int i = 0; i < ks.size(); i++) {
            waiting[i] = deps.get(i).size();
            for (int d : deps.get(i)) {
                users.get(d).add(i);
            }
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        while (!ready.isEmpty()) {
            int best = -1;
            long bestDelta = Long.MAX_VALUE;
            for (int i : ready) {
                long delta = delta(ks.get(i), buffers, pendingReaders, pinned);
                if (delta < bestDelta) {
                    best = i;
                    bestDelta = delta;
                }
            }
            ready.remove(best);
            for (String r : ks.get(best).reads()) {
                pendingReaders.merge(r, -1, Integer::sum);
            }
            for (int u : users.get(best)) {
                if (--waiting[u] == 0) {
                    ready.add(u);
                }
            }
            out.add(ks.get(best));
        }
        if (out.size() != p.kernels().size()) {
            throw new IllegalStateException(
                    "plan " + p.name() + ": " + (p.kernels().size() - out.size())
                            + " kernels wait on each other; expected the given order to be one the dependencies allow");
        }
        return out;
    }

    /** How much running {@code k} grows the live arena: what it writes less the reads it is the last to need. */
    private static long delta(
            Kernel k, Map<String, Buffer> buffers, Map<String, Integer> pendingReaders, Set<String> pinned) {
        long delta = 0;
        for (String w : k.writes()) {
            Buffer b = buffers.get(w);
            delta += b.storage() == Storage.ARENA ? b.alignedBytes() : 0;
        }
        for (String r : k.reads()) {
            Buffer b = buffers.get(r);
            if (b.storage() == Storage.ARENA && pendingReaders.get(r) == 1 && !pinned.contains(r)) {
                delta -= b.alignedBytes();
            }
        }
        return delta;
    }

    /** Buffers that live to the end: outputs and assigned values. */
    private static Set<String> pinned(Plan p) {
        Set<String> out = new HashSet<>();
        for (Binding b : p.bindings()) {
            if (b.role() == Binding.Role.OUTPUT || b.role() == Binding.Role.ASSIGN) {
                out.add(b.buffer());
            }
        }
        return out;
    }

    /** The largest sum of aligned arena bytes live at one step of {@code order} ({@link Liveness}). */
    static long livePeak(Plan p, List<Kernel> order) {
        Map<String, Liveness.Interval> live =
                Liveness.of(new Plan(p.name(), p.sizes(), p.arenaBytes(), p.buffers(), order, p.bindings()));
        Map<String, Long> size = new HashMap<>();
        p.buffers().forEach(b -> size.putIfAbsent(b.name(), b.alignedBytes()));
        return Liveness.peak(live, size::get, order.size());
    }
}
