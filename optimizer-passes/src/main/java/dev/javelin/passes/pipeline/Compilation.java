package dev.javelin.passes.pipeline;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.plan.Plan;
import dev.javelin.passes.fuse.FusionResult;
import dev.javelin.passes.memory.MemoryNumbers;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Pipeline#compile} produced.
 *
 * @param graph the graph after the graph passes (specialized to the sizes: every type static)
 * @param plan the memory-planned plan
 * @param runs one entry per pass and plan step, in order (switched-off ones too)
 * @param fusion what fusion decided, merges and refusals; empty when fusion was off
 */
public record Compilation(Graph graph, Plan plan, List<PassRun> runs, Optional<FusionResult> fusion) {
    public Compilation {
        runs = List.copyOf(runs);
        fusion = fusion == null ? Optional.empty() : fusion;
    }

    /** A compilation without fusion decisions (fusion off, or a plan made elsewhere). */
    public Compilation(Graph graph, Plan plan, List<PassRun> runs) {
        this(graph, plan, runs, Optional.empty());
    }

    /** The plan's peak, lower bound and no-reuse figures. */
    public MemoryNumbers memory() {
        return MemoryNumbers.of(plan);
    }

    /** The run of the step named {@code name}, or an exception listing the names. */
    public PassRun run(String name) {
        return PassRun.named(runs, name);
    }

    /** One line per pass: position, name, counters, and the time when timing was on. */
    public String report() {
        return PassRun.report(runs);
    }
}
