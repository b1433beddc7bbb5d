package dev.javelin.passes.lower;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.plan.Plan;
import dev.javelin.passes.memory.MemoryPlanner;
import java.util.Map;

/**
 * Graph to plan with one kernel per primitive (the {@code --no-fusion} mode benchmarks compare
 * against): {@link Partition#unfused} lowered by {@link Lowering}. Constants are copied into the
 * bodies of their users and get a kernel of their own only when an output or an assign needs the
 * value in a buffer; views and iota are kernels of their own. Dead nodes are kept (removing them is
 * the simplifier's job).
 */
public final class UnfusedLowering {
    private UnfusedLowering() {}

    /** The unfused plan of {@code graph} for the given sizes of its symbolic dimensions, memory planned. */
    public static Plan plan(Graph graph, Map<String, Long> sizes) {
        return MemoryPlanner.plan(lower(graph, sizes));
    }

    /** The unfused plan before memory planning: arena buffers have no offsets and the arena is empty. */
    public static Plan lower(Graph graph, Map<String, Long> sizes) {
        Graph g = Specialize.graph(graph, sizes);
        return Lowering.plan(g, Partition.unfused(g), sizes);
    }
}
