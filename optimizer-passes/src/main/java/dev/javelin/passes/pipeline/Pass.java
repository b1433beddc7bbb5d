package dev.javelin.passes.pipeline;

import dev.javelin.ir.graph.Graph;

/**
 * One graph-to-graph step of the pipeline. A pass documents, in its class Javadoc, what it
 * guarantees about the graph it returns; the pass manager verifies that graph when verification is
 * on. A pass must be deterministic: the same graph gives a byte-identical printed result (new
 * nodes get names from {@link dev.javelin.passes.pipeline.PassContext#names}-style counters, never
 * from hash order or time).
 */
public interface Pass {
    /** The pass's name: in reports, dump file names ({@code 002-cse.ir}) and {@code disabled} sets. */
    String name();

    /** The transformed graph; {@code g} is valid (verified) when verification is on. */
    Graph run(Graph g, PassContext ctx);
}
