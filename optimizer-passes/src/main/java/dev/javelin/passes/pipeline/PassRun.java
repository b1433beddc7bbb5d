package dev.javelin.passes.pipeline;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * What one pass of a pipeline did: its 1-based position, name, whether it ran (or was switched
 * off), its counters, and its wall time in nanoseconds when timing was on.
 */
public record PassRun(int position, String name, boolean ran, Map<String, Long> counters, OptionalLong nanos) {
    public PassRun {
        counters = Collections.unmodifiableMap(new LinkedHashMap<>(counters));
    }

    /** A counter's value, 0 if the pass never counted it. */
    public long counter(String counterName) {
        return counters.getOrDefault(counterName, 0L);
    }

    /** One report line, e.g. {@code 002 cse          merged=3  (0.41 ms)}. */
    public String line() {
        String body = !ran
                ? "(off)"
                : counters.isEmpty()
                        ? "no changes"
                        : counters.entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(" "));
        String time = nanos.isPresent() ? String.format(Locale.ROOT, "  (%.2f ms)", nanos.getAsLong() / 1e6) : "";
        return String.format(Locale.ROOT, "%03d %-16s %s%s", position, name, body, time);
    }

    /** The run of the pass named {@code name} in {@code runs}, or an exception listing the names. */
    public static PassRun named(List<PassRun> runs, String name) {
        return runs.stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no pass named '" + name + "'; the passes are "
                        + runs.stream().map(PassRun::name).toList()));
    }

    /** One {@link #line()} per run, each ending in a newline. */
    public static String report(List<PassRun> runs) {
        return runs.stream().map(PassRun::line).collect(Collectors.joining("\n", "", "\n"));
    }
}
