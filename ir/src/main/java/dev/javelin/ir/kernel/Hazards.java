package dev.javelin.ir.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * When two stores may share a loop. A loop loads every value of an iteration before it stores any,
 * so a value may read the old contents of the very element the same iteration overwrites (the
 * in-place reuse the memory planner allows), but nothing the kernel itself produces in that loop,
 * and no other element of a store's target. Any such overlap forces a new stage.
 */
public final class Hazards {
    private Hazards() {}

    /** Whether {@code value} reads elements of {@code s}'s target other than the one it writes this iteration. */
    public static boolean conflicts(Expr value, Stage.Store s, long[] loop) {
        for (Expr.Load l : loads(value)) {
            if (l.ref().array().equals(s.ref().array())
                    && (l.ref().produced() || !l.index().equals(s.index()))
                    && overlap(l.index(), s.index(), loop)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code value} reads any element of the range {@code index} spans over the loop. */
    public static boolean reads(Expr value, Ref ref, Affine index, long[] loop) {
        for (Expr.Load l : loads(value)) {
            if (l.ref().array().equals(ref.array()) && overlap(l.index(), index, loop)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a stage reads an element of {@code read} after an earlier stage, or a different element
     * of the same stage, stored into {@code write} (two buffers the memory planner placed over each
     * other). Stages before the first store into {@code write} read old values; that store's own
     * stage may read the element it stores, since an iteration loads before it stores. A stage whose
     * loads and stores are not loop records (a backend's custom stage) counts as reading everything.
     * A load of what the kernel itself produced reads the new value by design, and is no hazard.
     */
    public static boolean readsAfterOverwrite(List<Stage> stages, Place read, Place write) {
        int firstStore = -1;
        for (int s = 0; s < stages.size() && firstStore < 0; s++) {
            if (stages.get(s) instanceof Stage.Custom) {
                return true;
            }
            for (Target t : targets(stages.get(s))) {
                if (within(t.ref(), t.index(), t.loop(), write)) {
                    firstStore = s;
                }
            }
        }
        if (firstStore < 0) {
            return false;
        }
        for (int s = firstStore; s < stages.size(); s++) {
            Stage st = stages.get(s);
            if (st instanceof Stage.Custom) {
                return true;
            }
            long[] loop = loop(st);
            for (Expr.Load l : loads(st)) {
                if (l.ref().produced() || !within(l.ref(), l.index(), loop, read)) {
                    continue;
                }
                if (s > firstStore || !(st instanceof Stage.Pointwise p)) {
                    return true;
                }
                boolean sameElement = p.stores().stream()
                        .filter(x -> within(x.ref(), x.index(), loop, write))
                        .allMatch(x -> x.index().equals(l.index()));
                if (!sameElement) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The stages with every loop that stores into one of {@code writes} moved after all the others,
     * keeping the order within each part, where that computes the same thing; else {@code null}. A
     * loop may move past a later one that does not read what it produces, store over what it reads
     * or store where it stores; loads of the old values it overwrites then all come first. (An
     * optimizer's step counter, updated in its own memory while the other tensors' loops still read
     * its old value, moves last instead of being copied first.)
     */
    public static List<Stage> sinkStores(List<Stage> stages, List<Place> writes) {
        if (stages.stream().anyMatch(s -> s instanceof Stage.Custom)) {
            return null;
        }
        List<Stage> kept = new ArrayList<>();
        List<Stage> sunk = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            Stage st = stages.get(i);
            boolean stores = targets(st).stream()
                    .anyMatch(t -> writes.stream().anyMatch(w -> within(t.ref(), t.index(), t.loop(), w)));
            if (!stores) {
                kept.add(st);
                continue;
            }
            for (int j = i + 1; j < stages.size(); j++) {
                if (dependent(st, stages.get(j))) {
                    return null;
                }
            }
            sunk.add(st);
        }
        if (sunk.isEmpty() || kept.isEmpty()) {
            return null;
        }
        List<Stage> out = new ArrayList<>(kept);
        out.addAll(sunk);
        return out;
    }

    /** Whether {@code later} must stay after {@code earlier}: it reads its results or stores over its accesses. */
    private static boolean dependent(Stage earlier, Stage later) {
        List<Target> earlierStores = targets(earlier);
        for (Target t : targets(later)) {
            for (Target e : earlierStores) {
                if (meet(t, e)) {
                    return true; // both store there
                }
            }
            for (Expr.Load l : loads(earlier)) {
                if (meet(t, new Target(l.ref(), l.index(), loop(earlier)))) {
                    return true; // later overwrites what earlier reads
                }
            }
        }
        for (Expr.Load l : loads(later)) {
            if (!l.ref().produced()) {
                continue; // reads an old value: it may come before the store
            }
            Target read = new Target(l.ref(), l.index(), loop(later));
            for (Target e : earlierStores) {
                if (meet(read, e)) {
                    return true; // reads what earlier produced
                }
            }
        }
        return false;
    }

    private static boolean meet(Target x, Target y) {
        if (!x.ref().array().equals(y.ref().array())) {
            return false;
        }
        if (x.ref().dtype() != y.ref().dtype()) {
            return true;
        }
        long[] rx = range(x.index(), x.loop());
        long[] ry = range(y.index(), y.loop());
        return rx[0] <= ry[1] && ry[0] <= rx[1];
    }

    private record Target(Ref ref, Affine index, long[] loop) {}

    private static List<Target> targets(Stage st) {
        return switch (st) {
            case Stage.Pointwise p ->
                p.stores().stream()
                        .map(x -> new Target(x.ref(), x.index(), p.loop()))
                        .toList();
            case Stage.Reduce r ->
                r.accumulates().stream()
                        .map(a -> new Target(a.ref(), a.index(), r.loop()))
                        .toList();
            case Stage.Custom c -> List.of();
        };
    }

    private static long[] loop(Stage st) {
        return switch (st) {
            case Stage.Pointwise p -> p.loop();
            case Stage.Reduce r -> r.loop();
            case Stage.Custom c -> new long[0];
        };
    }

    private static List<Expr.Load> loads(Stage st) {
        List<Expr.Load> out = new ArrayList<>();
        switch (st) {
            case Stage.Pointwise p -> p.stores().forEach(x -> out.addAll(loads(x.value())));
            case Stage.Reduce r -> r.accumulates().forEach(a -> out.addAll(loads(a.value())));
            case Stage.Custom c -> {}
        }
        return out;
    }

    /** Whether an access of {@code ref} at {@code index} over {@code loop} touches {@code place}'s elements. */
    private static boolean within(Ref ref, Affine index, long[] loop, Place place) {
        if (!ref.array().equals(place.ref().array())) {
            return false;
        }
        if (ref.dtype() != place.ref().dtype()) {
            return true; // another element size over the same array: assume it may touch
        }
        long[] r = range(index, loop);
        return r[0] < place.base() + place.numel() && place.base() <= r[1];
    }

    public static List<Expr.Load> loads(Expr e) {
        List<Expr.Load> out = new ArrayList<>();
        List<Expr> todo = new ArrayList<>(List.of(e));
        java.util.Set<Expr> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            Expr x = todo.removeLast();
            if (!seen.add(x)) {
                continue;
            }
            if (x instanceof Expr.Load l) {
                out.add(l);
            }
            todo.addAll(x.operands());
        }
        return out;
    }

    private static boolean overlap(Affine a, Affine b, long[] loop) {
        long[] ra = range(a, loop);
        long[] rb = range(b, loop);
        return ra[0] <= rb[1] && rb[0] <= ra[1];
    }

    private static long[] range(Affine a, long[] loop) {
        long lo = a.c;
        long hi = a.c;
        for (int j = 0; j < loop.length && j < a.rank(); j++) {
            long span = a.coef(j) * Math.max(0, loop[j] - 1);
            lo += Math.min(0, span);
            hi += Math.max(0, span);
        }
        return new long[] {lo, hi};
    }
}
