package dev.javelin.compiler.cli;

import dev.javelin.dsl.json.Json;
import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.Storage;
import dev.javelin.passes.memory.MemoryNumbers;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassRun;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code javelin compile --report FILE.json} writes: the kernels of the plan with their costs,
 * the memory figures and what every pass did. Keys keep a fixed order and every number is computed
 * from the plan, so two compilations of the same graph give byte-identical reports (pass times
 * appear only when timing was on). Kept apart from the command so benchmarks can reuse it.
 *
 * @param model the model's name, or the graph's name for a graph file
 * @param train whether the graph is a whole training step
 * @param optimizer the optimizer of a training step (empty otherwise)
 * @param fusion whether fusion ran
 * @param batch the size bound to the symbolic dimension {@code batch}
 * @param compilation what the pipeline produced
 */
public record CompileReport(
        String model, boolean train, Optional<String> optimizer, boolean fusion, long batch, Compilation compilation) {
    public CompileReport {
        optimizer = optimizer == null ? Optional.empty() : optimizer;
    }

    public Plan plan() {
        return compilation.plan();
    }

    public long totalFlops() {
        return plan().kernels().stream().mapToLong(Kernel::flops).sum();
    }

    /** Bytes read plus bytes written, summed over the kernels. */
    public long totalBytesMoved() {
        return plan().kernels().stream()
                .mapToLong(k -> k.bytesRead() + k.bytesWritten())
                .sum();
    }

    /** What sharing memory saves against giving every arena buffer its own: no-reuse minus peak. */
    public long savingBytes() {
        MemoryNumbers m = compilation.memory();
        return m.noReuseBytes() - m.peakBytes();
    }

    /** {@link #savingBytes} as a percentage of the no-reuse figure, to two decimals (0 when nothing is in the arena). */
    public double savingPercent() {
        long noReuse = compilation.memory().noReuseBytes();
        return noReuse == 0 ? 0.0 : round(100.0 * savingBytes() / noReuse, 100);
    }

    /** The report as nested maps and lists, in the order the JSON shows them. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("train", train);
        optimizer.ifPresent(o -> m.put("optimizer", o));
        m.put("fusion", fusion);
        m.put("batch", batch);
        m.put("sizes", new LinkedHashMap<String, Object>(plan().sizes()));
        m.put("kernel_count", plan().kernels().size());
        m.put("kernels", kernels());
        m.put("total_flops", totalFlops());
        m.put("total_bytes_moved", totalBytesMoved());
        m.put("memory", memory());
        m.put("passes", passes());
        return m;
    }

    /** Compact JSON with a final newline. */
    public String toJson() {
        return Json.write(toMap()) + "\n";
    }

    private List<Object> kernels() {
        List<Object> out = new ArrayList<>();
        for (Kernel k : plan().kernels()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", k.name());
            m.put("kind", k.kind().text());
            m.put("nodes", k.nodes());
            m.put("flops", k.flops());
            m.put("bytes_read", k.bytesRead());
            m.put("bytes_written", k.bytesWritten());
            if (loadTime(k)) {
                m.put("load_time", true);
            }
            out.add(m);
        }
        return out;
    }

    private Map<String, Object> memory() {
        MemoryNumbers mem = compilation.memory();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peak_bytes", mem.peakBytes());
        m.put("lower_bound_bytes", mem.lowerBoundBytes());
        m.put("no_reuse_bytes", mem.noReuseBytes());
        m.put("saving_bytes", savingBytes());
        m.put("saving_percent", savingPercent());
        m.put("packed_bytes", packedBytes());
        return m;
    }

    /** A load-time kernel (moved there by {@code prepack}) writes packed buffers, computed once from parameters. */
    public boolean loadTime(Kernel k) {
        return plan().isLoadTime(k);
    }

    /** Persistent memory outside the arena that the load-time kernels fill (0 when nothing moved). */
    public long packedBytes() {
        return plan().buffers().stream()
                .filter(b -> b.storage() == Storage.PACKED)
                .mapToLong(Buffer::bytes)
                .sum();
    }

    private List<Object> passes() {
        List<Object> out = new ArrayList<>();
        for (PassRun r : compilation.runs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", r.name());
            m.put("ran", r.ran());
            m.put("counters", new LinkedHashMap<String, Object>(r.counters()));
            r.nanos().ifPresent(ns -> m.put("millis", round(ns / 1e6, 1000)));
            out.add(m);
        }
        return out;
    }

    private static double round(double x, int scale) {
        return Math.round(x * scale) / (double) scale;
    }
}
