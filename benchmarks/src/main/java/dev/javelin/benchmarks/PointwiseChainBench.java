package dev.javelin.benchmarks;

import dev.javelin.ir.graph.Graph;
import org.openjdk.jmh.annotations.Param;

/** {@link KernelGraphs#pointwiseChain}: eight pointwise ops over {@code size} floats; memory bound. */
public class PointwiseChainBench extends KernelKindBench {
    @Param({"4194304"})
    public String size;

    @Override
    protected Graph graph() {
        return KernelGraphs.pointwiseChain(dims(size, 1)[0]);
    }
}
