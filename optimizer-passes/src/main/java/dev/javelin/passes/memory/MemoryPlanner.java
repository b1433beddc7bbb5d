package dev.javelin.passes.memory;

import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.InPlace;
import dev.javelin.ir.plan.Liveness;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanVerifier;
import dev.javelin.ir.plan.Storage;
import dev.javelin.passes.pipeline.PassContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives every arena buffer an offset in one arena: liveness over the kernel order ({@link
 * Liveness}), in-place reuse, then offline best fit.
 *
 * <p><b>In place.</b> A pointwise (or multi-tensor) kernel that writes a buffer of the same size as
 * a buffer it reads, when that read dies in the kernel and {@link InPlace#allowed} holds, writes
 * over the read's bytes: the two (and any chain of such) form one slot, live from the first write
 * to the last read.
 *
 * <p><b>Best fit.</b> Slots are placed one by one, each into the smallest gap, among the already
 * placed slots whose lifetimes meet its own, that holds it, or above the highest of them. The result
 * depends on the order, so five are tried (largest first, longest-lived first, largest bytes x steps
 * first, earliest first, live at the busiest step first; ties in declaration order) and the smallest
 * arena is kept. Offsets and
 * sizes are multiples of {@link Buffer#ALIGNMENT}. Inputs and parameters (parameters and optimizer
 * state) live outside the arena and are untouched.
 *
 * <p>Counters: {@code buffers}, {@code in-place} (buffers written over a dying read), {@code
 * arena-bytes}.
 */
public final class MemoryPlanner {
    private MemoryPlanner() {}

    private record Placed(long offset, long end, Liveness.Interval live) {}

    /** A run of buffers sharing bytes (one buffer, or a chain of in-place writes). */
    private record Slot(List<Buffer> buffers, Liveness.Interval live, long size, int declared) {}

    /** Plans memory with in-place reuse. */
    public static Plan plan(Plan p) {
        return plan(p, true, new PassContext());
    }

    /** Plans memory, with in-place reuse when {@code inPlace}; counts into {@code ctx}. */
    public static Plan plan(Plan p, boolean inPlace, PassContext ctx) {
        Map<String, Liveness.Interval> live = Liveness.of(p);
        List<Buffer> arenaBuffers = new ArrayList<>();
        Map<String, Buffer> byName = new HashMap<>();
        for (Buffer b : p.buffers()) {
            byName.put(b.name(), b);
            if (b.storage() == Storage.ARENA) {
                if (!live.containsKey(b.name())) {
                    throw new IllegalArgumentException("plan " + p.name() + ": arena buffer %" + b.name()
                            + " is written by no kernel; expected every arena buffer to be computed");
                }
                arenaBuffers.add(b);
            }
        }
        // Chains of in-place writes: each buffer's slot representative.
        Map<String, String> slotOf = new LinkedHashMap<>();
        arenaBuffers.forEach(b -> slotOf.put(b.name(), b.name()));
        long reused = 0;
        if (inPlace) {
            // Candidates come in kernel order, so a chain's earlier link is already in its slot.
            for (var e : InPlace.candidates(p, (read, write) -> true).entrySet()) {
                slotOf.put(e.getKey(), slotOf.get(e.getValue()));
                reused++;
            }
        }
        Map<String, List<Buffer>> members = new LinkedHashMap<>();
        for (Buffer b : arenaBuffers) {
            members.computeIfAbsent(slotOf.get(b.name()), k -> new ArrayList<>())
                    .add(b);
        }
        List<Slot> slots = new ArrayList<>();
        for (List<Buffer> bs : members.values()) {
            int first = Integer.MAX_VALUE;
            int last = 0;
            long size = 0;
            for (Buffer b : bs) {
                first = Math.min(first, live.get(b.name()).first());
                last = Math.max(last, live.get(b.name()).last());
                size = Math.max(size, b.alignedBytes());
            }
            slots.add(new Slot(bs, new Liveness.Interval(first, last), size, slots.size()));
        }
        // Best fit depends on the order slots are placed in, and no one order is best for every plan:
        // each order below is tried and the smallest arena kept (the first of equals, so the result
        // is deterministic).
        Map<String, Long> offsets = null;
        List<Slot> best = slots;
        long arena = Long.MAX_VALUE;
        long[] liveBytes = breadth(slots);
        List<Comparator<Slot>> orders = new ArrayList<>(ORDERS);
        orders.add(byBreadth(slots, liveBytes));
        for (Comparator<Slot> order : orders) {
            List<Slot> sorted = new ArrayList<>(slots);
            sorted.sort(order.thenComparingInt(Slot::declared));
            Map<String, Long> tried = new HashMap<>();
            long size = place(sorted, tried);
            if (size < arena) {
                arena = size;
                offsets = tried;
                best = sorted;
            }
        }
        // Then, unless that is within 1% of the bound (the most bytes live at one step), a local
        // search from the best order: swap two slots, keep the swap unless the arena grows. Seeded,
        // so the plan is the same every time; the tries shrink with the square of the slot count
        // (each placement scans the placed slots), so big plans pay little.
        long bound = java.util.Arrays.stream(liveBytes).max().orElse(0);
        int tries = (int) Math.min(
                LOCAL_SEARCH_TRIES, LOCAL_SEARCH_WORK / Math.max(1L, (long) slots.size() * slots.size()));
        java.util.Random random = new java.util.Random(slots.size());
        List<Slot> order = new ArrayList<>(best);
        // Within 1% of the bound the search is not worth its time.
        for (int i = 0; i < tries && arena > bound + bound / 100 && order.size() > 1; i++) {
            int a = random.nextInt(order.size());
            int b = random.nextInt(order.size());
            java.util.Collections.swap(order, a, b);
            Map<String, Long> tried = new HashMap<>();
            long size = place(order, tried);
            if (size <= arena) {
                arena = size;
                offsets = tried;
            } else {
                java.util.Collections.swap(order, a, b);
            }
        }
        ctx.count("buffers", arenaBuffers.size());
        ctx.count("in-place", reused);
        ctx.count("arena-bytes", arena);
        return place(p, offsets, arena);
    }

    /** Placement orders, each tried: largest first; longest-lived first; largest area (bytes x steps); earliest first. */
    private static final List<Comparator<Slot>> ORDERS = List.of(
            Comparator.comparingLong(Slot::size)
                    .reversed()
                    .thenComparingInt(s -> s.live().first()),
            Comparator.comparingInt((Slot s) -> s.live().last() - s.live().first())
                    .reversed()
                    .thenComparing(Comparator.comparingLong(Slot::size).reversed()),
            Comparator.comparingLong(
                            (Slot s) -> s.size() * (s.live().last() - s.live().first() + 1))
                    .reversed(),
            Comparator.comparingInt((Slot s) -> s.live().first())
                    .thenComparing(Comparator.comparingLong(Slot::size).reversed()));

    private static final int LOCAL_SEARCH_TRIES = 2_000;
    private static final long LOCAL_SEARCH_WORK = 2_000_000;

    /** The bytes the slots have live at each step (kernel index). */
    private static long[] breadth(List<Slot> slots) {
        int steps = 0;
        for (Slot s : slots) {
            steps = Math.max(steps, s.live().last() + 1);
        }
        long[] delta = new long[steps + 1];
        for (Slot s : slots) {
            delta[s.live().first()] += s.size();
            delta[s.live().last() + 1] -= s.size();
        }
        long[] live = new long[steps];
        long running = 0;
        for (int t = 0; t < steps; t++) {
            running += delta[t];
            live[t] = running;
        }
        return live;
    }

    /**
     * Greedy by breadth ({@code live}: the bytes live at each step): slots live at the busiest step first (the largest sum of live bytes over
     * their lifetime), larger first among those: what is live at the peak is packed before anything
     * can fragment it.
     */
    private static Comparator<Slot> byBreadth(List<Slot> slots, long[] live) {
        int steps = live.length;
        // A sparse table over the live bytes answers the maximum over any interval.
        int levels = 1;
        while ((1 << levels) <= steps) {
            levels++;
        }
        long[][] max = new long[levels][];
        max[0] = live;
        for (int k = 1; k < levels; k++) {
            max[k] = new long[steps - (1 << k) + 1];
            for (int t = 0; t < max[k].length; t++) {
                max[k][t] = Math.max(max[k - 1][t], max[k - 1][t + (1 << (k - 1))]);
            }
        }
        Map<Slot, Long> busiest = new java.util.IdentityHashMap<>();
        for (Slot s : slots) {
            int a = s.live().first();
            int b = s.live().last();
            int k = 31 - Integer.numberOfLeadingZeros(b - a + 1);
            busiest.put(s, Math.max(max[k][a], max[k][b - (1 << k) + 1]));
        }
        return Comparator.comparingLong((Slot s) -> busiest.get(s))
                .reversed()
                .thenComparing(Comparator.comparingLong(Slot::size).reversed())
                .thenComparingInt(s -> s.live().first());
    }

    /** Places {@code slots} in this order by best fit: the arena size, each buffer's offset into {@code offsets}. */
    private static long place(List<Slot> slots, Map<String, Long> offsets) {
        // Kept sorted by offset, so each fit is one scan (a plan may have tens of thousands of slots).
        List<Placed> placed = new ArrayList<>();
        long arena = 0;
        for (Slot s : slots) {
            long offset = bestFit(placed, s.live(), s.size());
            placed.add(insertionPoint(placed, offset), new Placed(offset, offset + s.size(), s.live()));
            s.buffers().forEach(b -> offsets.put(b.name(), offset));
            arena = Math.max(arena, offset + s.size());
        }
        return arena;
    }

    /** Every arena buffer in its own memory, in declaration order: what planning saves against. */
    public static Plan noReuse(Plan p) {
        Map<String, Long> offsets = new HashMap<>();
        long arena = 0;
        for (Buffer b : p.buffers()) {
            if (b.storage() == Storage.ARENA) {
                offsets.put(b.name(), arena);
                arena += b.alignedBytes();
            }
        }
        return place(p, offsets, arena);
    }

    /** The plan with those offsets, self-checked ({@link PlanVerifier#selfChecked}) when that is on. */
    private static Plan place(Plan p, Map<String, Long> offsets, long arena) {
        List<Buffer> out = p.buffers().stream()
                .map(b -> b.storage() == Storage.ARENA ? b.at(offsets.get(b.name())) : b)
                .toList();
        return PlanVerifier.selfChecked(p.withMemory(out, arena));
    }

    /** Where a slot at {@code offset} goes in {@code placed} (sorted by offset): after its equals. */
    private static int insertionPoint(List<Placed> placed, long offset) {
        int lo = 0;
        int hi = placed.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (placed.get(mid).offset() <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * The start of the smallest gap that holds {@code size} among the slots live with {@code l};
     * {@code placed} is sorted by offset.
     */
    private static long bestFit(List<Placed> placed, Liveness.Interval l, long size) {
        long best = -1;
        long bestGap = Long.MAX_VALUE;
        long cursor = 0;
        for (Placed q : placed) {
            if (!q.live().overlaps(l) || q.end() <= q.offset()) {
                continue;
            }
            long gap = q.offset() - cursor;
            if (gap >= size && gap < bestGap) {
                best = cursor;
                bestGap = gap;
            }
            cursor = Math.max(cursor, q.end());
        }
        return best >= 0 ? best : cursor;
    }
}
