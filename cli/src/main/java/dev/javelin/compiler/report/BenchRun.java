package dev.javelin.compiler.report;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.plan.Plan;
import java.util.List;

/**
 * What one fused-against-unfused benchmark of a model measured, as the report draws it.
 *
 * @param model the model's name
 * @param what what was timed, in words ("mnist-mlp training step (adam)")
 * @param graph the graph after the graph passes, before fusion (both variants start from it)
 * @param why the sentence saying how much fusion won and why (bytes and kernels saved)
 */
public record BenchRun(
        String model,
        String what,
        int batch,
        int threads,
        int runs,
        Graph graph,
        Variant fused,
        Variant unfused,
        String why) {

    /**
     * One compiled variant.
     *
     * @param plan the memory-planned plan that ran
     * @param flops FLOPs of one step (load-time kernels aside)
     * @param bytes bytes read and written by the step's kernels, each buffer once per kernel
     * @param kernels kernels of one step
     * @param profile time per kernel of one step in plan order, load-time kernels aside; empty when
     *     the run was not profiled
     */
    public record Variant(
            Plan plan,
            double medianMs,
            double minMs,
            double maxMs,
            long flops,
            long bytes,
            int kernels,
            List<KernelTime> profile) {
        public Variant {
            profile = List.copyOf(profile);
        }

        public double gflops() {
            return flops / medianMs / 1e6;
        }

        public double gbps() {
            return bytes / medianMs / 1e6;
        }
    }

    /** One kernel's mean time per step and its counts. */
    public record KernelTime(String name, String kind, long flops, long bytes, double ms) {
        /** FLOPs per byte moved. */
        public double intensity() {
            return bytes == 0 ? 0 : (double) flops / bytes;
        }

        public double gflops() {
            return ms <= 0 ? 0 : flops / ms / 1e6;
        }

        public double gbps() {
            return ms <= 0 ? 0 : bytes / ms / 1e6;
        }
    }

    /** Unfused median over fused median. */
    public double speedup() {
        return unfused.medianMs() / fused.medianMs();
    }
}
