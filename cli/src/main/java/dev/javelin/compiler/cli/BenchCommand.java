package dev.javelin.compiler.cli;

import dev.javelin.compiler.Version;
import dev.javelin.compiler.cpu.CpuBackend;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.compiler.report.BenchRun;
import dev.javelin.compiler.report.Ceilings;
import dev.javelin.compiler.report.HtmlReport;
import dev.javelin.dsl.json.Json;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import dev.javelin.runtime.cuda.CudaDevices;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code javelin bench}: times a model's compiled step (inference or a whole training step) fused
 * and unfused, in one process, on the CPU backend, GPU 0 or both: on the CPU, this machine's copy
 * bandwidth and GEMM peak first, then per model warm-up and the two variants alternating run by
 * run, reported as median, min and max with kernels, bytes moved, effective GFLOP/s and GB/s
 * against the ceilings and the fused/unfused ratio with why; then where the step's time goes,
 * kernel by kernel ({@code --profile}: every kernel of both, on the roofline), and the HTML report
 * ({@code --html}).
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Time a model's compiled step, fused against unfused, on the CPU backend and/or GPU 0.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--model", paramLabel = "NAME", description = "Model to time.")
    String model;

    @Mixin
    ModelClassOption modelClass = new ModelClassOption();

    @Option(
            names = "--all-models",
            description = "Every test model in turn, then a table; --json holds one entry per model.")
    boolean allModels;

    @Option(
            names = "--pointwise",
            paramLabel = "ELEMENTS",
            description = "Instead of a model: a chain of 8 pointwise ops over this many f32 elements, fused and"
                    + " unfused, against this machine's copy bandwidth.")
    Long pointwise;

    @Option(
            names = "--onnx",
            paramLabel = "MODEL.onnx",
            description = "Instead of a model: an ONNX model's inference on the --input arrays, fused and unfused,"
                    + " and with --peer against ONNX Runtime Java (docs/onnx.md).")
    Path onnx;

    @Option(
            names = {"-i", "--input"},
            paramLabel = "NAME=FILE.npy",
            description = "With --onnx: the array for the model input NAME (repeat for each input).")
    List<String> inputs = List.of();

    @Option(
            names = "--dim",
            paramLabel = "NAME=SIZE",
            description = "With --onnx: fix the model's dynamic dim NAME to SIZE at import (repeat for each).")
    List<String> dims = List.of();

    @Option(
            names = "--peer",
            paramLabel = "ENGINE",
            description = "With --onnx: also time onnxruntime (ONNX Runtime Java, as many intra-op threads as"
                    + " Javelin's pool, all graph optimizations) on the same arrays; its jar must be on the class"
                    + " path.")
    String peer;

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
            description = "simd (the CPU backend), cuda (GPU 0) or all (both; CUDA is skipped, saying why, where no"
                    + " GPU is usable) (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--runs", defaultValue = "30", description = "Timed runs of each variant.")
    int runs;

    @Option(names = "--warmup", defaultValue = "20", description = "Untimed runs of each variant first.")
    int warmup;

    @Option(names = "--threads", description = "Threads of the CPU pool (default: one per processor).")
    Integer threads;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON.")
    Path json;

    @Option(
            names = "--profile",
            description = "Time every kernel of both variants (CPU: nanosecond timers, placed on this machine's"
                    + " roofline; CUDA: CUDA events).")
    boolean profile;

    @Option(
            names = "--html",
            paramLabel = "FILE",
            description = "Write a self-contained HTML report: graphs before and after fusion, memory timelines,"
                    + " rooflines, kernel profiles and the fused against unfused bars (implies profiling).")
    Path html;

    /** Profile as for --html, without writing one: the caller builds the report ({@code javelin demo}). */
    boolean forReport;

    private Ceilings ceilings;
    private final List<BenchRun> results = new ArrayList<>();

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

    private static void atLeast(String option, long value, long least) {
        if (value < least) {
            throw new CliException(option + " must be >= " + least + ", found " + value);
        }
    }

    @Override
    public Integer call() throws IOException {
        model = modelClass.resolve(model);
        if (!List.of("simd", "cuda", "all").contains(backend)) {
            throw new CliException("unknown --backend '" + backend + "' (expected simd, cuda or all)");
        }
        atLeast("--batch", batch, 1);
        atLeast("--runs", runs, 1);
        atLeast("--warmup", warmup, 0);
        if (threads != null) {
            int most = 4 * Runtime.getRuntime().availableProcessors();
            if (threads < 1 || threads > most) {
                throw new CliException("--threads must be between 1 and " + most + " (4 per processor of this machine,"
                        + " which has " + Runtime.getRuntime().availableProcessors() + "), found " + threads);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        int modes = (model == null ? 0 : 1)
                + (allModels ? 1 : 0)
                + (pointwise == null ? 0 : 1)
                + (matmul == null ? 0 : 1)
                + (reduce == null ? 0 : 1)
                + (onnx == null ? 0 : 1);
        if (modes != 1) {
            throw new CliException("give one of --model NAME, --all-models, --onnx MODEL.onnx, --pointwise ELEMENTS,"
                    + " --reduce ELEMENTS or --matmul N");
        }
        if (onnx == null && (!inputs.isEmpty() || !dims.isEmpty() || peer != null)) {
            throw new CliException("--input, --dim and --peer work with --onnx MODEL.onnx");
        }
        if (onnx != null) {
            return onnx(out);
        }
        boolean models = model != null || allModels;
        if (reduce != null && !backend.equals("cuda")) {
            throw new CliException("--reduce is a CUDA benchmark (--backend cuda)");
        }
        if (matmul != null && !backend.equals("cuda")) {
            throw new CliException(
                    "--matmul times the CUDA GEMM (--backend cuda); the CPU GEMM has scripts/bench-sgemm");
        }
        if (backend.equals("all") && !models) {
            throw new CliException("--backend all works with --model NAME or --all-models");
        }
        if ((html != null || profile) && !models) {
            throw new CliException("--html and --profile work with --model or --all-models");
        }
        if (html != null && backend.equals("cuda")) {
            throw new CliException("--html reports the CPU backend (--backend simd or all); on CUDA, --profile gives"
                    + " the device time of every kernel from CUDA events");
        }
        Outputs.writable(json, "--json");
        Outputs.writable(html, "--html");
        List<String> names = allModels ? Models.names() : model == null ? List.of() : List.of(model);
        names.forEach(Models::create); // an unknown name fails here, before any measuring
        if (!models) {
            return backend.equals("cuda")
                    ? CudaBench.with(runs, warmup, json, out, bench -> {
                        if (pointwise != null) {
                            return bench.pointwise(pointwise);
                        }
                        return matmul != null ? bench.matmul(matmul) : bench.reduce(reduce);
                    })
                    : new PointwiseBench(pointwise, runs, warmup, threads, json, out).run();
        }
        Map<String, Object> j = new LinkedHashMap<>();
        if (!backend.equals("cuda")) {
            cpu(names, out);
            j.putAll(json());
        }
        if (!backend.equals("simd")) {
            Object gpu;
            try {
                gpu = cuda(names, out);
            } catch (RuntimeException e) {
                if (!backend.equals("all")) {
                    throw e;
                }
                // The CPU results are measured already: keep them, and say what happened on CUDA.
                out.println("CUDA: failed: " + e.getMessage());
                gpu = Map.of("error", String.valueOf(e.getMessage()));
            }
            if (backend.equals("all")) {
                j.put("cuda", gpu);
            } else if (gpu instanceof List<?> rows && !allModels) {
                j.putAll(castMap(rows.get(0)));
            } else {
                j.put("backend", "cuda");
                j.put("models", gpu);
            }
        }
        if (json != null) {
            Files.writeString(json, Json.write(j) + "\n");
            out.println("results written to " + json);
        }
        if (html != null) {
            HtmlReport report = new HtmlReport("Javelin bench: fused against unfused on the CPU backend")
                    .note("javelin bench "
                            + String.join(
                                    " ", spec.commandLine().getParseResult().originalArgs()))
                    .note(Version.describe())
                    .ceilings(ceilings);
            results.forEach(report::bench);
            report.write(html);
            out.println("HTML report written to " + html.toAbsolutePath());
        }
        out.flush();
        return 0;
    }

    /** {@code --onnx}: the CPU backend only, inference only, the text profile but no HTML report. */
    private int onnx(PrintWriter out) throws IOException {
        if (!backend.equals("simd")) {
            throw new CliException("--onnx times the CPU backend (--backend simd), found --backend " + backend);
        }
        if (train || html != null) {
            throw new CliException("--onnx times inference with a text report: --train and --html do not apply");
        }
        Outputs.writable(json, "--json");
        OnnxBench b =
                new OnnxBench(onnx, inputs, dims, peer, new OnnxBench.Settings(runs, warmup, threads, profile, json));
        return b.run(out);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }

    /** The CPU backend: the ceilings, then every model fused against unfused, then (several models) a table. */
    private void cpu(List<String> names, PrintWriter out) {
        for (String name : names) { // refused in the first second, before the ceilings take theirs
            Trainer t = new Trainer(Models.create(name), Models.optimizer(optimizer), 0, null, Backend.INTERPRETER);
            TrainChecks.checkMemory(train ? t.trainGraph() : t.evalGraph(), t.batchInputs(), batch, false);
        }
        try (CpuPool pool = threads == null ? CpuPool.forMachine() : new CpuPool(threads)) {
            out.printf(Locale.ROOT, "measuring this machine's ceilings (%d threads)...%n", pool.threads());
            out.flush();
            ceilings = CpuCeilings.measure(pool);
            out.printf(
                    Locale.ROOT,
                    "  copy bandwidth %.2f GB/s (read + write), matrix product peak %.2f GFLOP/s%n%n",
                    ceilings.copyGbps(),
                    ceilings.gemmGflops());
            for (String name : names) {
                boolean shown = !allModels || profile;
                results.add(benchModel(name, pool, out, shown || html != null || forReport, shown));
                out.println();
            }
            if (allModels) {
                table(out);
            }
        }
    }

    /**
     * GPU 0: every model fused against unfused; the JSON entries. With {@code --backend all} and no
     * usable GPU, says why and returns that reason instead.
     */
    private Object cuda(List<String> names, PrintWriter out) throws IOException {
        if (backend.equals("all")) {
            CudaDevices.Availability a = CudaDevices.probe();
            if (!a.available()) {
                out.println("CUDA: not run: " + a.reason());
                return Map.of("not_run", a.reason());
            }
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        CudaBench.with(runs, warmup, null, out, bench -> {
            for (String name : names) {
                TrainingModel m = Models.create(name);
                Trainer t = new Trainer(m, Models.optimizer(optimizer), 0, null, Backend.INTERPRETER);
                Graph g = train ? t.trainGraph() : t.evalGraph();
                TrainChecks.checkMemory(g, t.batchInputs(), batch, false);
                Map<String, NdArray> feeds = new HashMap<>(t.state());
                feeds.putAll(m.syntheticBatch(batch, 1));
                feeds.put("lr", NdArray.scalar(DType.F32, 1e-4));
                feeds.put("step", NdArray.ofLongs(DType.I64, new long[0], 1));
                Map<String, Object> head = new LinkedHashMap<>();
                head.put("model", name);
                head.put("train", train);
                head.put("optimizer", train ? optimizer : null);
                head.put("batch", batch);
                String what = name + (train ? " training step (" + optimizer + ")" : " inference") + ", batch " + batch;
                rows.add(bench.model(what, g, Map.of("batch", (long) batch), feeds, head, profile));
                out.println();
            }
            return 0;
        });
        return rows;
    }

    /** The table after --all-models: one row per model. */
    private void table(PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "%-18s %10s %10s %8s %15s %21s%n",
                "model",
                "fused ms",
                "unfused ms",
                "speedup",
                "kernels f/u",
                "MB moved f/u");
        for (BenchRun r : results) {
            out.printf(
                    Locale.ROOT,
                    "%-18s %10.3f %10.3f %7.2fx %7d/%-7d %10.1f/%-10.1f%n",
                    r.model(),
                    r.fused().medianMs(),
                    r.unfused().medianMs(),
                    r.speedup(),
                    r.fused().kernels(),
                    r.unfused().kernels(),
                    r.fused().bytes() / 1e6,
                    r.unfused().bytes() / 1e6);
        }
    }

    /** The JSON: the ceilings, then one entry per model (the entry itself for --model). */
    private Map<String, Object> json() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("copy_gbps", ceilings.copyGbps());
        c.put("gemm_gflops", ceilings.gemmGflops());
        c.put("how", ceilings.how());
        List<Map<String, Object>> rows = results.stream().map(this::toMap).toList();
        if (!allModels) {
            Map<String, Object> j = new LinkedHashMap<>(rows.get(0));
            j.put("ceilings", c);
            return j;
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("backend", "simd");
        j.put("threads", results.get(0).threads());
        j.put("train", train);
        j.put("batch", batch);
        j.put("runs", runs);
        j.put("ceilings", c);
        j.put("models", rows);
        return j;
    }

    /** The ceilings of the last run and its results (what {@code javelin demo} puts in its report). */
    Ceilings ceilings() {
        return ceilings;
    }

    List<BenchRun> results() {
        return List.copyOf(results);
    }

    /**
     * One model's step fused against unfused: warm-up, then the two alternating run by run, so drift
     * hits both alike; then, when asked, a profile of each (its own runs, kernels timed).
     */
    private BenchRun benchModel(String name, CpuPool pool, PrintWriter out, boolean profiled, boolean showProfile) {
        TrainingModel m = Models.create(name);
        Optimizer opt = Models.optimizer(optimizer);
        Trainer t = new Trainer(m, opt, 0, null, Backend.INTERPRETER);
        Graph g = train ? t.trainGraph() : t.evalGraph();
        Map<String, NdArray> feeds = new HashMap<>(t.state());
        feeds.putAll(m.syntheticBatch(batch, 1));
        feeds.put("lr", NdArray.scalar(DType.F32, 1e-4));
        feeds.put("step", NdArray.ofLongs(DType.I64, new long[0], 1));
        Map<String, Long> sizes = Map.of("batch", (long) batch);
        Compiled fused = compiled(g, sizes, PassOptions.defaults(), feeds, pool, out);
        Compiled unfused = compiled(g, sizes, PassOptions.defaults().withDisabled(Pipeline.FUSE), feeds, pool, out);
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
        String what = name + (train ? " training step (" + optimizer + ")" : " inference");
        out.printf(
                Locale.ROOT,
                "%s, batch %d, %d threads, %d runs each after %d warm-up runs:%n",
                what,
                batch,
                pool.threads(),
                runs,
                warmup);
        Profile pf = profiled ? profile(fused) : Profile.NONE;
        Profile pu = profiled ? profile(unfused) : Profile.NONE;
        BenchRun.Variant vf = fused.result(Timing.of(f), pf.kernels());
        BenchRun.Variant vu = unfused.result(Timing.of(u), pu.kernels());
        print(out, "fused", vf, ceilings);
        print(out, "unfused", vu, ceilings);
        String why = String.format(
                Locale.ROOT,
                "fused is %.2fx the speed of unfused (median): it moves %.1f MB less per step (%.0f%% of unfused's"
                        + " bytes) and runs %d fewer kernels",
                vu.medianMs() / vf.medianMs(),
                (vu.bytes() - vf.bytes()) / 1e6,
                100.0 * vf.bytes() / Math.max(1, vu.bytes()),
                vu.kernels() - vf.kernels());
        out.println(why);
        if (showProfile) {
            printProfile(out, "fused", pf.stepMs(), vf.profile(), profile ? Integer.MAX_VALUE : 12, ceilings);
            if (profile) {
                printProfile(out, "unfused", pu.stepMs(), vu.profile(), 12, ceilings);
            }
        }
        return new BenchRun(name, what, batch, pool.threads(), runs, fused.graph, vf, vu, why);
    }

    private Map<String, Object> toMap(BenchRun r) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", r.model());
        j.put("train", train);
        j.put("optimizer", train ? optimizer : null);
        j.put("batch", r.batch());
        j.put("backend", "simd");
        j.put("threads", r.threads());
        j.put("runs", r.runs());
        j.put("fused", toMap(r.fused()));
        j.put("unfused", toMap(r.unfused()));
        j.put("fused_speedup", r.speedup());
        j.put("bytes_saved", r.unfused().bytes() - r.fused().bytes());
        j.put("kernels_saved", r.unfused().kernels() - r.fused().kernels());
        j.put("why", r.why());
        return j;
    }

    /** A compiled variant: the graph it came from, its plan and executor, and its per-step counts. */
    record Compiled(Graph graph, Plan plan, CpuExecutor ex) {
        BenchRun.Variant result(Timing t, List<BenchRun.KernelTime> profile) {
            return new BenchRun.Variant(
                    plan,
                    t.medianMs(),
                    t.minMs(),
                    t.maxMs(),
                    ex.layout().stepFlops(),
                    ex.layout().stepBytes(),
                    ex.layout().stepKernels(),
                    profile);
        }
    }

    static Compiled compiled(
            Graph g,
            Map<String, Long> sizes,
            PassOptions options,
            Map<String, NdArray> feeds,
            CpuPool pool,
            PrintWriter out) {
        Compilation c = Pipeline.compile(g, sizes, options);
        CpuExecutor ex = CpuBackend.compile(c.plan(), CpuBackend.defaultCacheDir(), out::println)
                .executor(pool);
        Feeds.setAll(ex, g, feeds);
        return new Compiled(c.graph(), c.plan(), ex);
    }

    static long time(CpuExecutor ex) {
        long t0 = System.nanoTime();
        ex.run();
        return System.nanoTime() - t0;
    }

    static void print(PrintWriter out, String name, BenchRun.Variant v, Ceilings ceilings) {
        out.printf(
                Locale.ROOT,
                "  %-8s %3d kernels %8.1f MB  median %8.3f ms  (min %.3f, max %.3f)  %7.2f GFLOP/s (%.0f%% of peak)"
                        + " %6.2f GB/s (%.0f%% of copy)%n",
                name,
                v.kernels(),
                v.bytes() / 1e6,
                v.medianMs(),
                v.minMs(),
                v.maxMs(),
                v.gflops(),
                100 * v.gflops() / ceilings.gemmGflops(),
                v.gbps(),
                100 * v.gbps() / ceilings.copyGbps());
    }

    private Map<String, Object> toMap(BenchRun.Variant v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernels", v.kernels());
        m.put("flops", v.flops());
        m.put("median_ms", v.medianMs());
        m.put("min_ms", v.minMs());
        m.put("max_ms", v.maxMs());
        m.put("gflops", v.gflops());
        m.put("bytes", v.bytes());
        m.put("gbps", v.gbps());
        m.put("of_gemm_peak", v.gflops() / ceilings.gemmGflops());
        m.put("of_copy_bandwidth", v.gbps() / ceilings.copyGbps());
        if (!v.profile().isEmpty()) {
            m.put("profile", profileJson(v.profile(), ceilings));
        }
        return m;
    }

    /** A profile: the time per kernel of one step, and the mean wall time of the same runs. */
    record Profile(List<BenchRun.KernelTime> kernels, double stepMs) {
        static final Profile NONE = new Profile(List.of(), 0);
    }

    /**
     * Time per kernel of one step: {@code runs} more runs with every kernel timed (nanosecond timers
     * around each kernel), in plan order, load-time kernels left out, with the mean wall time of those
     * same runs, so the kernels' share of the step is measured on one set of runs (the median of
     * other runs can be shorter than these, timers and all).
     */
    private Profile profile(Compiled c) {
        return profile(c, runs);
    }

    static Profile profile(Compiled c, int runs) {
        c.ex.timeKernels(true);
        c.ex.resetTimes();
        long wall = 0;
        for (int i = 0; i < runs; i++) {
            wall += time(c.ex);
        }
        c.ex.timeKernels(false);
        return new Profile(kernelTimes(c.plan, c.ex.kernelNanos(), runs), wall / 1e6 / runs);
    }

    /**
     * The {@code limit} kernels that take longest, with their rates and, given the ceilings, how
     * close each came to its roof. {@code stepMs} is the mean wall time of the very runs the kernels
     * were timed in, so the share inside kernels cannot pass 100%.
     */
    static void printProfile(
            PrintWriter out, String name, double stepMs, List<BenchRun.KernelTime> profile, int limit, Ceilings c) {
        double total = profile.stream().mapToDouble(BenchRun.KernelTime::ms).sum();
        out.printf(
                Locale.ROOT,
                "where the %s step's time goes (%.3f ms per step inside its %d kernels, %.1f%% of the %.3f ms those"
                        + " profiled steps took):%n",
                name,
                total,
                profile.size(),
                stepMs > 0 ? 100 * total / stepMs : 0,
                stepMs);
        out.printf(
                Locale.ROOT,
                "  %-44s %-12s %9s %6s %9s %8s %8s%s%n",
                "kernel",
                "kind",
                "ms",
                "share",
                "GFLOP/s",
                "GB/s",
                "FLOP/B",
                c == null ? "" : "  of roof");
        List<BenchRun.KernelTime> sorted = new ArrayList<>(profile);
        sorted.sort((a, b) -> Double.compare(b.ms(), a.ms()));
        for (BenchRun.KernelTime k : sorted.subList(0, Math.min(limit, sorted.size()))) {
            out.printf(
                    Locale.ROOT,
                    "  %-44s %-12s %9.4f %5.1f%% %9.2f %8.2f %8.3f%s%n",
                    k.name(),
                    k.kind(),
                    k.ms(),
                    total > 0 ? 100 * k.ms() / total : 0,
                    k.gflops(),
                    k.gbps(),
                    k.intensity(),
                    c == null || Double.isNaN(c.ofRoof(k))
                            ? ""
                            : String.format(Locale.ROOT, " %7.0f%%", 100 * c.ofRoof(k)));
        }
        if (sorted.size() > limit) {
            out.printf(Locale.ROOT, "  ... and %d more kernels (--profile lists them all)%n", sorted.size() - limit);
        }
    }

    /** The profile as JSON rows; {@code roof_gflops} given the ceilings. */
    static List<Map<String, Object>> profileJson(List<BenchRun.KernelTime> profile, Ceilings c) {
        double total = profile.stream().mapToDouble(BenchRun.KernelTime::ms).sum();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (BenchRun.KernelTime k : profile) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", k.name());
            row.put("kind", k.kind());
            row.put("ms", k.ms());
            row.put("share", total > 0 ? k.ms() / total : 0);
            row.put("flops", k.flops());
            row.put("bytes", k.bytes());
            row.put("flops_per_byte", k.intensity());
            row.put("gflops", k.gflops());
            row.put("gbps", k.gbps());
            if (c != null) {
                row.put("roof_gflops", c.roof(k.intensity()));
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * A plan's step kernels (load-time ones left out) with {@code nanos[k]} summed over {@code runs}
     * runs for kernel {@code k} of the plan: mean time per step, kind, FLOPs and bytes from the plan.
     */
    static List<BenchRun.KernelTime> kernelTimes(Plan plan, long[] nanos, int runs) {
        List<BenchRun.KernelTime> out = new ArrayList<>();
        List<Kernel> kernels = plan.kernels();
        for (int k = 0; k < kernels.size(); k++) {
            Kernel kernel = kernels.get(k);
            if (!plan.isLoadTime(kernel)) {
                out.add(new BenchRun.KernelTime(
                        kernel.name(),
                        kernel.kind().text(),
                        kernel.flops(),
                        kernel.bytesRead() + kernel.bytesWritten(),
                        nanos[k] / 1e6 / runs));
            }
        }
        return out;
    }
}
