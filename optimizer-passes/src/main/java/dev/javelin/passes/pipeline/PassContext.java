package dev.javelin.passes.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a pass may report while it runs: named counters (nodes removed, nodes folded, rule
 * firings...). Counters keep the order in which they were first counted, so reports are
 * deterministic. One context per pass run.
 */
public final class PassContext {
    private final Map<String, Long> counters = new LinkedHashMap<>();

    /** Adds {@code delta} to counter {@code name} (created at 0). */
    public void count(String name, long delta) {
        counters.merge(name, delta, Long::sum);
    }

    /** Adds one to counter {@code name}. */
    public void count(String name) {
        count(name, 1);
    }

    /** The counters so far, in first-counted order (a read-only copy). */
    public Map<String, Long> counters() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }
}
