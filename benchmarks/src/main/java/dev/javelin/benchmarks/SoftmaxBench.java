package dev.javelin.benchmarks;

import dev.javelin.ir.graph.Graph;
import org.openjdk.jmh.annotations.Param;

/** {@link KernelGraphs#softmax}: a row softmax over {@code size} = rows x columns. */
public class SoftmaxBench extends KernelKindBench {
    @Param({"4096x1024"})
    public String size;

    @Override
    protected Graph graph() {
        long[] d = dims(size, 2);
        return KernelGraphs.softmax(d[0], d[1]);
    }
}
