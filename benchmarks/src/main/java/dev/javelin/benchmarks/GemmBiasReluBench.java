package dev.javelin.benchmarks;

import dev.javelin.ir.graph.Graph;
import org.openjdk.jmh.annotations.Param;

/** {@link KernelGraphs#gemmBiasRelu}: {@code relu(x @ w + bias)} over {@code size} = m x k x n. */
public class GemmBiasReluBench extends KernelKindBench {
    @Param({"512x512x512"})
    public String size;

    @Override
    protected Graph graph() {
        long[] d = dims(size, 3);
        return KernelGraphs.gemmBiasRelu(d[0], d[1], d[2]);
    }
}
