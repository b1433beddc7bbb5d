package dev.javelin.compiler.cli;

import dev.javelin.compiler.cpu.CpuBackend;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.dsl.json.Json;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.ProgramLayout;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code javelin bench}: times a model's compiled step (inference or a whole training step) fused
 * and unfused on the CPU backend, in one process: warm-up first, then the two alternating run by
 * run, reported as median, min and max with the effective GFLOP/s (the plan's FLOPs over the median
 * time) and the fused/unfused ratio; then where the fused step's time goes, kernel by kernel.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Time a model's compiled step, fused against unfused, on the CPU backend.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "NAME", description = "Model to time.")
    String model;

    @Option(
            names = "--all-models",
            description = "Every test model in turn (CPU backend), then a table; --json holds one entry per model.")
    boolean allModels;

    @Option(
            names = "--pointwise",
            paramLabel = "ELEMENTS",
            description = "Instead of a model: a chain of 8 pointwise ops over this many f32 elements, fused and"
                    + " unfused, against this machine's copy bandwidth.")
    Long pointwise;

    @Option(names = "--train", description = "Time the whole training step (forward, backward, update).")
    boolean train;

    @Option(names = "--optimizer", defaultValue = "adam", description = "Optimizer of the training step.")
    String optimizer;

    @Option(names = "--batch", defaultValue = "256", description = "Batch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--reduce",
            paramLabel = "ELEMENTS",
            description = "Instead of a model (CUDA only): row sums of squares over this many f32 elements as"
                    + " [N/1024, 1024], fused and unfused, against the device's copy bandwidth.")
    Long reduce;

    @Option(
            names = "--matmul",
            paramLabel = "N",
            description = "Instead of a model (CUDA only): an N x N x N fp32 matrix product, in GFLOP/s.")
    Long matmul;

    @Option(
            names = "--backend",
            defaultValue = "simd",
            description = "simd (the CPU backend) or cuda (GPU 0) (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--runs", defaultValue = "30", description = "Timed runs of each variant.")
    int runs;

    @Option(names = "--warmup", defaultValue = "20", description = "Untimed runs of each variant first.")
    int warmup;

    @Option(names = "--threads", description = "Threads of the CPU pool (default: one per processor).")
    Integer threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Spec
    CommandSpec spec;

    /** Median, min and max of a variant's run times. */
    record Timing(double medianMs, double minMs, double maxMs) {
        static Timing of(long[] nanos) {
            return new Timing(
                    median(nanos) / 1e6,
                    Arrays.stream(nanos).min().orElse(0) / 1e6,
                    Arrays.stream(nanos).max().orElse(0) / 1e6);
        }

        /** The median of run times (the mean of the middle two for an even count). */
        static double median(long[] nanos) {
            long[] s = nanos.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
        }
    }

    @Override
    public Integer call() throws IOException {
        if (!backend.equals("simd") && !backend.equals("cuda")) {
            throw new CliException("unknown --backend '" + backend + "' (expected simd or cuda)");
        }
        if (batch < 1 || runs < 1 || warmup < 0) {
            throw new CliException("--batch and --runs must be >= 1, --warmup >= 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        int modes = (model == null ? 0 : 1)
                + (allModels ? 1 : 0)
                + (pointwise == null ? 0 : 1)
                + (matmul == null ? 0 : 1)
                + (reduce == null ? 0 : 1);
        if (modes != 1) {
            throw new CliException(
                    "give one of --model NAME, --all-models, --pointwise ELEMENTS, --reduce ELEMENTS or --matmul N");
        }
        if (reduce != null && !backend.equals("cuda")) {
            throw new CliException("--reduce is a CUDA benchmark (--backend cuda)");
        }
        if (matmul != null && !backend.equals("cuda")) {
            throw new CliException(
                    "--matmul times the CUDA GEMM (--backend cuda); the CPU GEMM has scripts/bench-sgemm");
        }
        if (allModels && !backend.equals("simd")) {
            throw new CliException("--all-models runs the CPU backend (--backend simd)");
        }
        if (backend.equals("cuda")) {
            return cuda(out);
        }
        if (pointwise != null) {
            return new PointwiseBench(pointwise, runs, warmup, threads, json, out).run();
        }
        try (CpuPool pool = threads == null ? CpuPool.forMachine() : new CpuPool(threads)) {
            if (allModels) {
                return allModels(pool, out);
            }
            Map<String, Object> j = benchModel(model, pool, out, true);
            if (json != null) {
                Files.writeString(json, Json.write(j) + "\n");
                out.println("results written to " + json);
            }
        }
        out.flush();
        return 0;
    }

    /** Every test model in turn, then a table; the JSON holds one entry per model. */
    private int allModels(CpuPool pool, PrintWriter out) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String name : Models.names()) {
            rows.add(benchModel(name, pool, out, false));
            out.println();
        }
        out.printf(
                Locale.ROOT,
                "%-18s %10s %10s %8s %15s %21s%n",
                "model",
                "fused ms",
                "unfused ms",
                "speedup",
                "kernels f/u",
                "MB moved f/u");
        for (Map<String, Object> r : rows) {
            @SuppressWarnings("unchecked")
            Map<String, Object> f = (Map<String, Object>) r.get("fused");
            @SuppressWarnings("unchecked")
            Map<String, Object> u = (Map<String, Object>) r.get("unfused");
            out.printf(
                    Locale.ROOT,
                    "%-18s %10.3f %10.3f %7.2fx %7d/%-7d %10.1f/%-10.1f%n",
                    r.get("model"),
                    (double) f.get("median_ms"),
                    (double) u.get("median_ms"),
                    (double) r.get("fused_speedup"),
                    (int) f.get("kernels"),
                    (int) u.get("kernels"),
                    (long) f.get("bytes") / 1e6,
                    (long) u.get("bytes") / 1e6);
        }
        if (json != null) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("backend", backend);
            j.put("threads", pool.threads());
            j.put("train", train);
            j.put("batch", batch);
            j.put("runs", runs);
            j.put("models", rows);
            Files.writeString(json, Json.write(j) + "\n");
            out.println("results written to " + json);
        }
        out.flush();
        return 0;
    }

    /** One model's step fused against unfused, printed; the JSON entry. */
    private Map<String, Object> benchModel(String name, CpuPool pool, PrintWriter out, boolean showSplit) {
        TrainingModel m = Models.create(name);
        Optimizer opt = Models.optimizer(optimizer);
        Trainer t = new Trainer(m, opt, 0, null, Backend.INTERPRETER);
        Graph g = train ? t.trainGraph() : t.evalGraph();
        Map<String, NdArray> feeds = new HashMap<>(t.state());
        feeds.putAll(m.syntheticBatch(batch, 1));
        feeds.put("lr", NdArray.scalar(DType.F32, 1e-4));
        feeds.put("step", NdArray.ofLongs(DType.I64, new long[0], 1));
        Map<String, Long> sizes = Map.of("batch", (long) batch);
        Variant fused = variant(g, sizes, PassOptions.defaults(), feeds, pool, out);
        Variant unfused = variant(g, sizes, PassOptions.defaults().withDisabled(Pipeline.FUSE), feeds, pool, out);
        for (int i = 0; i < warmup; i++) {
            fused.ex.run();
            unfused.ex.run();
        }
        long[] f = new long[runs];
        long[] u = new long[runs];
        for (int i = 0; i < runs; i++) {
            f[i] = time(fused.ex);
            u[i] = time(unfused.ex);
        }
        Timing tf = Timing.of(f);
        Timing tu = Timing.of(u);
        String what = name + (train ? " training step (" + optimizer + ")" : " inference");
        out.printf(
                Locale.ROOT,
                "%s, batch %d, %d threads, %d runs each after %d warm-up runs:%n",
                what,
                batch,
                pool.threads(),
                runs,
                warmup);
        print(out, "fused", fused, tf);
        print(out, "unfused", unfused, tu);
        String why = String.format(
                Locale.ROOT,
                "fused is %.2fx the speed of unfused (median): it moves %.1f MB less per step (%.0f%% of unfused's"
                        + " bytes) and runs %d fewer kernels",
                tu.medianMs() / tf.medianMs(),
                (unfused.bytes() - fused.bytes()) / 1e6,
                100.0 * fused.bytes() / Math.max(1, unfused.bytes()),
                unfused.kernels() - fused.kernels());
        out.println(why);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", name);
        j.put("train", train);
        j.put("optimizer", train ? optimizer : null);
        j.put("batch", batch);
        j.put("backend", backend);
        j.put("threads", pool.threads());
        j.put("runs", runs);
        j.put("fused", toMap(fused, tf));
        j.put("unfused", toMap(unfused, tu));
        j.put("fused_speedup", tu.medianMs() / tf.medianMs());
        j.put("bytes_saved", unfused.bytes() - fused.bytes());
        j.put("kernels_saved", unfused.kernels() - fused.kernels());
        j.put("why", why);
        if (showSplit) {
            j.put("fused_kernels", split(fused, out));
        }
        return j;
    }

    private int cuda(PrintWriter out) throws IOException {
        return CudaBench.with(runs, warmup, json, out, bench -> {
            if (pointwise != null) {
                return bench.pointwise(pointwise);
            }
            if (matmul != null) {
                return bench.matmul(matmul);
            }
            if (reduce != null) {
                return bench.reduce(reduce);
            }
            TrainingModel m = Models.create(model);
            Trainer t = new Trainer(m, Models.optimizer(optimizer), 0, null, Backend.INTERPRETER);
            Graph g = train ? t.trainGraph() : t.evalGraph();
            Map<String, NdArray> feeds = new HashMap<>(t.state());
            feeds.putAll(m.syntheticBatch(batch, 1));
            feeds.put("lr", NdArray.scalar(DType.F32, 1e-4));
            feeds.put("step", NdArray.ofLongs(DType.I64, new long[0], 1));
            Map<String, Object> head = new LinkedHashMap<>();
            head.put("model", model);
            head.put("train", train);
            head.put("optimizer", train ? optimizer : null);
            head.put("batch", batch);
            String what = model + (train ? " training step (" + optimizer + ")" : " inference") + ", batch " + batch;
            return bench.model(what, g, Map.of("batch", (long) batch), feeds, head);
        });
    }

    /** A compiled variant: its executor, and per step (load-time kernels aside) FLOPs, kernels, bytes moved. */
    private record Variant(CpuExecutor ex, long flops, int kernels, long bytes) {}

    private static Variant variant(
            Graph g,
            Map<String, Long> sizes,
            PassOptions options,
            Map<String, NdArray> feeds,
            CpuPool pool,
            PrintWriter out) {
        var plan = Pipeline.compile(g, sizes, options).plan();
        CpuExecutor ex = CpuBackend.compile(plan, CpuBackend.defaultCacheDir(), out::println)
                .executor(pool);
        Feeds.setAll(ex, g, feeds);
        long flops = ex.layout().stepFlops();
        int kernels = ex.layout().stepKernels();
        long bytes = 0;
        for (var k : plan.kernels()) {
            if (!plan.isLoadTime(k)) {
                bytes += k.bytesRead() + k.bytesWritten();
            }
        }
        return new Variant(ex, flops, kernels, bytes);
    }

    private static long time(CpuExecutor ex) {
        long t0 = System.nanoTime();
        ex.run();
        return System.nanoTime() - t0;
    }

    private static void print(PrintWriter out, String name, Variant v, Timing t) {
        out.printf(
                Locale.ROOT,
                "  %-8s %3d kernels %8.1f MB  median %8.3f ms  (min %.3f, max %.3f)  %7.2f GFLOP/s %6.2f GB/s%n",
                name,
                v.kernels(),
                v.bytes() / 1e6,
                t.medianMs(),
                t.minMs(),
                t.maxMs(),
                v.flops() / t.medianMs() / 1e6,
                v.bytes() / t.medianMs() / 1e6);
    }

    private static Map<String, Object> toMap(Variant v, Timing t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernels", v.kernels());
        m.put("flops", v.flops());
        m.put("median_ms", t.medianMs());
        m.put("min_ms", t.minMs());
        m.put("max_ms", t.maxMs());
        m.put("gflops", v.flops() / t.medianMs() / 1e6);
        m.put("bytes", v.bytes());
        m.put("gbps", v.bytes() / t.medianMs() / 1e6);
        return m;
    }

    /** Per-kernel times of the fused step over the timed runs, largest first. */
    private List<Map<String, Object>> split(Variant v, PrintWriter out) {
        v.ex.timeKernels(true);
        v.ex.resetTimes();
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            v.ex.run();
        }
        long total = System.nanoTime() - t0;
        v.ex.timeKernels(false);
        long[] ns = v.ex.kernelNanos();
        List<ProgramLayout.Step> steps = v.ex.layout().kernels();
        List<Integer> order = new ArrayList<>();
        long inKernels = 0;
        for (int k = 0; k < ns.length; k++) {
            order.add(k);
            inKernels += ns[k];
        }
        order.sort((a, b) -> Long.compare(ns[b], ns[a]));
        out.printf(
                Locale.ROOT,
                "where the fused step's time goes (%.3f ms per step: %.1f%% inside kernels, %.1f%% between them):%n",
                total / 1e6 / runs,
                100.0 * inKernels / total,
                100.0 - 100.0 * inKernels / total);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int k : order) {
            double ms = ns[k] / 1e6 / runs;
            double gflops = steps.get(k).flops() / (ns[k] / (double) runs);
            if (rows.size() < 12) {
                out.printf(
                        Locale.ROOT,
                        "  %-44s %8.3f ms  %5.1f%%  %7.2f GFLOP/s%n",
                        steps.get(k).name(),
                        ms,
                        100.0 * ns[k] / inKernels,
                        gflops);
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", steps.get(k).name());
            row.put("ms", ms);
            row.put("flops", steps.get(k).flops());
            rows.add(row);
        }
        return rows;
    }
}
