package dev.javelin.benchmarks;

import dev.javelin.ir.graph.Graph;
import org.openjdk.jmh.annotations.Param;

/** {@link KernelGraphs#layerNorm}: layer norm of each row over {@code size} = rows x columns. */
public class LayerNormBench extends KernelKindBench {
    @Param({"4096x1024"})
    public String size;

    @Override
    protected Graph graph() {
        long[] d = dims(size, 2);
        return KernelGraphs.layerNorm(d[0], d[1]);
    }
}
