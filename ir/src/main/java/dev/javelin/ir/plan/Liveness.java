package dev.javelin.ir.plan;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When each arena buffer is live over a plan's kernel order: from the kernel that writes it to the
 * last kernel that reads it, both inclusive (a kernel's inputs and outputs are live together). A
 * buffer bound to an output or an assign stays live to step {@code kernels.size()}, the copy-out
 * after the last kernel. A buffer no kernel writes has no interval (the verifier reports it).
 */
public final class Liveness {
    private Liveness() {}

    /** Steps {@code first..last}, inclusive; step {@code i < kernels} is kernel i. */
    public record Interval(int first, int last) {
        public boolean contains(int step) {
            return first <= step && step <= last;
        }

        public boolean overlaps(Interval o) {
            return first <= o.last && o.first <= last;
        }
    }

    /** The interval of every written arena buffer, in buffer order. */
    public static Map<String, Interval> of(Plan plan) {
        Map<String, Integer> first = new LinkedHashMap<>();
        Map<String, Integer> last = new LinkedHashMap<>();
        List<Kernel> kernels = plan.kernels();
        for (int i = 0; i < kernels.size(); i++) {
            for (String r : kernels.get(i).reads()) {
                last.put(r, i);
            }
            for (String w : kernels.get(i).writes()) {
                first.putIfAbsent(w, i);
                last.merge(w, i, Math::max);
            }
        }
        for (Binding b : plan.bindings()) {
            if (b.role() == Binding.Role.OUTPUT || b.role() == Binding.Role.ASSIGN) {
                last.put(b.buffer(), kernels.size());
            }
        }
        Map<String, Interval> out = new LinkedHashMap<>();
        for (Buffer b : plan.buffers()) {
            Integer f = first.get(b.name());
            if (b.storage() == Storage.ARENA && f != null) {
                out.put(b.name(), new Interval(f, Math.max(f, last.get(b.name()))));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The largest sum of {@code bytes} over the intervals that contain one step: a sweep over
     * {@code steps + 1} steps (the kernels and the copy-out).
     */
    public static long peak(Map<String, Interval> live, java.util.function.ToLongFunction<String> bytes, int steps) {
        long[] delta = new long[steps + 2];
        live.forEach((name, l) -> {
            if (l.first() <= l.last()) {
                delta[l.first()] += bytes.applyAsLong(name);
                delta[l.last() + 1] -= bytes.applyAsLong(name);
            }
        });
        long now = 0;
        long peak = 0;
        for (long d : delta) {
            now += d;
            peak = Math.max(peak, now);
        }
        return peak;
    }
}
