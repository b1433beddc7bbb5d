package dev.javelin.compiler.cli;

import dev.javelin.codegen.cuda.toolchain.CudaCompiler;
import dev.javelin.codegen.cuda.toolchain.ModuleCache;
import dev.javelin.compiler.cuda.CudaBackend;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.compiler.report.BenchRun;
import dev.javelin.dsl.json.Json;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cuda.CudaContext;
import dev.javelin.runtime.cuda.CudaDevices;
import dev.javelin.runtime.cuda.CudaExecutor;
import dev.javelin.runtime.cuda.CudaLaunch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code javelin bench --backend cuda|all}: the same measurements on GPU 0. A model's step is timed
 * fused against unfused (alternating; wall time of a whole step, which ends by synchronizing, and
 * the device time inside its kernels from CUDA events). {@code --pointwise N} times the 8-op chain
 * against a device copy (a one-op kernel moving as many bytes: read one array, write one);
 * {@code --matmul N} an N x N x N fp32 product, in GFLOP/s from device time.
 */
final class CudaBench {
    private final int runs;
    private final int warmup;
    private final Path json;
    private final PrintWriter out;
    private final CudaContext context;
    private final CudaCompiler compiler;
    private final ModuleCache cache;

    private CudaBench(int runs, int warmup, Path json, PrintWriter out, CudaContext context) {
        this.runs = runs;
        this.warmup = warmup;
        this.json = json;
        this.out = out;
        this.context = context;
        this.compiler = CudaBackend.compiler(out::println);
        this.cache = CudaBackend.cache();
    }

    /** Runs {@code body} with a bench on GPU 0, or fails with why there is none. */
    static int with(int runs, int warmup, Path json, PrintWriter out, Body body) throws IOException {
        CudaDevices.Availability a = CudaDevices.probe();
        if (!a.available()) {
            throw new CliException("bench --backend cuda needs a GPU: " + a.reason());
        }
        try (CudaContext context = CudaContext.open()) {
            out.println("GPU: " + context.device().describe());
            return body.run(new CudaBench(runs, warmup, json, out, context));
        }
    }

    @FunctionalInterface
    interface Body {
        int run(CudaBench bench) throws IOException;
    }

    private record Variant(Plan plan, CudaExecutor ex, long flops, long bytes, int kernels, int launches) {}

    /** The pass options of a CUDA compile: the CUDA target's fusion veto. */
    private static final PassOptions CUDA =
            PassOptions.defaults().withFusionVeto(dev.javelin.passes.fuse.FusionVeto.forTarget("cuda"));

    private Variant variant(Graph g, Map<String, Long> sizes, PassOptions options, Map<String, NdArray> feeds) {
        var plan = Pipeline.compile(g, sizes, options).plan();
        CudaExecutor ex = CudaBackend.compile(
                        plan, compiler, cache, context.device().arch(), out::println)
                .executor(context);
        Feeds.setAll(ex, g, feeds);
        return new Variant(
                plan,
                ex,
                ex.layout().stepFlops(),
                ex.layout().stepBytes(),
                ex.layout().stepKernels(),
                ex.stepLaunches().size());
    }

    /**
     * A model's step, fused against unfused; with {@code profile}, the device time of every kernel
     * (its launches' CUDA event times summed, averaged over the timed runs).
     */
    Map<String, Object> model(
            String what,
            Graph g,
            Map<String, Long> sizes,
            Map<String, NdArray> feeds,
            Map<String, Object> head,
            boolean profile) {
        Variant fused = variant(g, sizes, CUDA, feeds);
        Variant unfused = variant(g, sizes, CUDA.withDisabled(Pipeline.FUSE), feeds);
        try (CudaExecutor f0 = fused.ex();
                CudaExecutor u0 = unfused.ex()) {
            for (int i = 0; i < warmup; i++) {
                fused.ex().run();
                unfused.ex().run();
            }
            long[] wf = new long[runs];
            long[] wu = new long[runs];
            long[] df = new long[runs];
            long[] du = new long[runs];
            long[] kf = new long[fused.plan().kernels().size()];
            long[] ku = new long[unfused.plan().kernels().size()];
            for (int i = 0; i < runs; i++) {
                wf[i] = wall(fused.ex());
                wu[i] = wall(unfused.ex());
                df[i] = perKernel(fused, fused.ex().timeStep(), kf);
                du[i] = perKernel(unfused, unfused.ex().timeStep(), ku);
            }
            out.printf(Locale.ROOT, "%s, %d runs each after %d warm-up runs:%n", what, runs, warmup);
            print("fused", fused, wf, df);
            print("unfused", unfused, wu, du);
            out.printf(
                    Locale.ROOT,
                    "fused is %.2fx the speed of unfused (median step), %.2fx in kernel time%n",
                    BenchCommand.Timing.median(wu) / BenchCommand.Timing.median(wf),
                    BenchCommand.Timing.median(du) / BenchCommand.Timing.median(df));
            List<BenchRun.KernelTime> pf = BenchCommand.kernelTimes(fused.plan(), kf, runs);
            List<BenchRun.KernelTime> pu = BenchCommand.kernelTimes(unfused.plan(), ku, runs);
            if (profile) {
                // the mean step of the same runs the kernels were timed in, as on the CPU
                double mf = java.util.Arrays.stream(wf).average().orElse(0) / 1e6;
                double mu = java.util.Arrays.stream(wu).average().orElse(0) / 1e6;
                BenchCommand.printProfile(out, "fused", mf, pf, Integer.MAX_VALUE, null);
                BenchCommand.printProfile(out, "unfused", mu, pu, 12, null);
            }
            Map<String, Object> j = new LinkedHashMap<>(head);
            j.put("backend", "cuda");
            j.put("device", context.device().describe());
            j.put("runs", runs);
            j.put("fused", toMap(fused, wf, df, profile ? pf : List.of()));
            j.put("unfused", toMap(unfused, wu, du, profile ? pu : List.of()));
            j.put("fused_speedup", BenchCommand.Timing.median(wu) / BenchCommand.Timing.median(wf));
            return j;
        }
    }

    /** The 8-op chain fused and unfused against a device copy of as many bytes. */
    int pointwise(long n) throws IOException {
        if (n < 1 || n > Integer.MAX_VALUE / 4) {
            throw new CliException("--pointwise needs 1 to " + Integer.MAX_VALUE / 4 + " elements, found " + n);
        }
        NdArray x = NdArray.of(DType.F32, new long[] {n}, waves(n));
        // The fused chain reads two arrays and writes one: 12n bytes.
        String title = String.format(Locale.ROOT, "pointwise chain of 8 ops over %d f32 elements", n);
        return versusCopy(title, PointwiseBench.chain(n), Map.of("x", x, "s", x), 12L * n, "pointwise_elements", n);
    }

    /**
     * A row reduction over {@code n} floats viewed as [n / 1024, 1024]: the sum of squares of every
     * row (fused: one pass reading the input once; unfused: the squares written, then summed),
     * against a device copy of as many bytes as the fused pass reads.
     */
    int reduce(long n) throws IOException {
        if (n < 1024 || n > Integer.MAX_VALUE / 4 || n % 1024 != 0) {
            throw new CliException(
                    "--reduce needs a multiple of 1024 between 1024 and " + Integer.MAX_VALUE / 4 + ", found " + n);
        }
        long rows = n / 1024;
        GraphBuilder b = new GraphBuilder("row_reductions");
        Value x = b.input("x", TensorType.of(DType.F32, rows, 1024));
        b.output("sumsq", b.reduce(ReduceFn.SUM, b.binary(BinaryFn.MUL, x, x), false, 1));
        Map<String, NdArray> feeds = Map.of("x", NdArray.of(DType.F32, new long[] {rows, 1024}, waves(n)));
        String title = String.format(Locale.ROOT, "row sums of squares of [%d, 1024] f32", rows);
        return versusCopy(title, b.build(), feeds, 4L * n + 4L * rows, "reduce_elements", n);
    }

    private static double[] waves(long n) {
        double[] data = new double[Math.toIntExact(n)];
        for (int i = 0; i < data.length; i++) {
            data[i] = Math.sin(i);
        }
        return data;
    }

    /**
     * {@code g} fused and unfused against a generated one-op copy kernel moving {@code bytes} (half
     * read, half written), by device time; effective bandwidth is {@code bytes} over the median.
     */
    private int versusCopy(String title, Graph g, Map<String, NdArray> feeds, long bytes, String key, long n)
            throws IOException {
        long copyN = bytes / 8;
        GraphBuilder c = new GraphBuilder("device_copy");
        c.output("y", c.unary(UnaryFn.NEG, c.input("x", TensorType.of(DType.F32, copyN))));
        Variant fused = variant(g, Map.of(), CUDA, feeds);
        Variant unfused = variant(g, Map.of(), CUDA.withDisabled(Pipeline.FUSE), feeds);
        Variant cp = variant(
                c.build(), Map.of(), PassOptions.defaults(), Map.of("x", NdArray.zeros(DType.F32, new long[] {copyN})));
        try (CudaExecutor f0 = fused.ex();
                CudaExecutor u0 = unfused.ex();
                CudaExecutor c0 = cp.ex()) {
            long[][] t = timeDevice(List.of(f0, u0, c0));
            double copyGbps = 8.0 * copyN / BenchCommand.Timing.median(t[2]);
            double f = bytes / BenchCommand.Timing.median(t[0]);
            double u = bytes / BenchCommand.Timing.median(t[1]);
            out.printf(Locale.ROOT, "%s, device time, %d runs:%n", title, runs);
            out.printf(
                    Locale.ROOT,
                    "  copy     %8.4f ms  %7.1f GB/s (a generated one-op kernel moving as many bytes)%n",
                    BenchCommand.Timing.median(t[2]) / 1e6,
                    copyGbps);
            for (int k = 0; k < 2; k++) {
                Variant v = k == 0 ? fused : unfused;
                double gbps = k == 0 ? f : u;
                out.printf(
                        Locale.ROOT,
                        "  %-8s %8.4f ms  %7.1f GB/s effective, %.0f%% of copy bandwidth (launches: %d)%n",
                        k == 0 ? "fused" : "unfused",
                        BenchCommand.Timing.median(t[k]) / 1e6,
                        gbps,
                        100 * gbps / copyGbps,
                        v.launches());
            }
            if (json != null) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("backend", "cuda");
                j.put("device", context.device().describe());
                j.put(key, n);
                j.put("copy_gbps", copyGbps);
                j.put("fused_gbps", f);
                j.put("unfused_gbps", u);
                j.put("fused_of_copy", f / copyGbps);
                write(j);
            }
        }
        return 0;
    }

    /** An n x n x n fp32 product (the tiled GEMM template), GFLOP/s from device time. */
    int matmul(long n) throws IOException {
        if (n < 1 || n > 16384) {
            throw new CliException("--matmul needs 1 to 16384, found " + n);
        }
        GraphBuilder b = new GraphBuilder("matmul_" + n);
        Value a = b.input("a", TensorType.of(DType.F32, n, n));
        Value c = b.input("b", TensorType.of(DType.F32, n, n));
        b.output("y", b.matmul(a, c));
        Graph g = b.build();
        double[] data = new double[Math.toIntExact(n * n)];
        for (int i = 0; i < data.length; i++) {
            data[i] = Math.sin(i) * 0.5;
        }
        NdArray x = NdArray.of(DType.F32, new long[] {n, n}, data);
        Variant v = variant(g, Map.of(), PassOptions.defaults(), Map.of("a", x, "b", x));
        try (CudaExecutor e0 = v.ex()) {
            long[][] t = timeDevice(List.of(v.ex()));
            double gflops = 2.0 * n * n * n / BenchCommand.Timing.median(t[0]);
            out.printf(
                    Locale.ROOT,
                    "fp32 matmul %dx%dx%d: median %.4f ms (min %.4f), %.1f GFLOP/s (device time, %d runs)%n",
                    n,
                    n,
                    n,
                    BenchCommand.Timing.median(t[0]) / 1e6,
                    Arrays.stream(t[0]).min().orElse(0) / 1e6,
                    gflops,
                    runs);
            if (json != null) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("backend", "cuda");
                j.put("device", context.device().describe());
                j.put("matmul_n", n);
                j.put("median_ms", BenchCommand.Timing.median(t[0]) / 1e6);
                j.put("gflops", gflops);
                write(j);
            }
        }
        return 0;
    }

    /** Device time of each executor's step, alternating executors run by run, after warm-up. */
    private long[][] timeDevice(List<CudaExecutor> exs) {
        for (CudaExecutor ex : exs) {
            ex.run();
        }
        for (int i = 0; i < warmup; i++) {
            exs.forEach(CudaExecutor::timeStep);
        }
        long[][] t = new long[exs.size()][runs];
        for (int i = 0; i < runs; i++) {
            for (int e = 0; e < exs.size(); e++) {
                t[e][i] = sum(exs.get(e).timeStep());
            }
        }
        return t;
    }

    private static long wall(CudaExecutor ex) {
        long t0 = System.nanoTime();
        ex.run();
        return System.nanoTime() - t0;
    }

    /**
     * Adds each launch's time of one timed step to its plan kernel's total in {@code perKernel} (a
     * kernel may take several launches, one per stage); returns the step's device time.
     */
    static long perKernel(Variant v, long[] launchNanos, long[] perKernel) {
        return addPerKernel(v.plan(), v.ex().stepLaunches(), launchNanos, perKernel);
    }

    static long addPerKernel(Plan plan, List<CudaLaunch> launches, long[] launchNanos, long[] perKernel) {
        Map<String, Integer> index = new HashMap<>();
        for (int k = 0; k < plan.kernels().size(); k++) {
            index.put(plan.kernels().get(k).name(), k);
        }
        long total = 0;
        for (int l = 0; l < launches.size(); l++) {
            Integer k = index.get(launches.get(l).kernel());
            if (k == null) {
                throw new IllegalStateException(
                        "launch " + launches.get(l).describe() + " names no kernel of plan " + plan.name());
            }
            perKernel[k] += launchNanos[l];
            total += launchNanos[l];
        }
        return total;
    }

    private static long sum(long[] a) {
        return Arrays.stream(a).sum();
    }

    private void print(String name, Variant v, long[] wall, long[] device) {
        out.printf(
                Locale.ROOT,
                "  %-8s %3d kernels %4d launches %8.1f MB  step median %8.3f ms (min %.3f, max %.3f)  in kernels"
                        + " %8.3f ms  %8.1f GFLOP/s%n",
                name,
                v.kernels(),
                v.launches(),
                v.bytes() / 1e6,
                BenchCommand.Timing.median(wall) / 1e6,
                Arrays.stream(wall).min().orElse(0) / 1e6,
                Arrays.stream(wall).max().orElse(0) / 1e6,
                BenchCommand.Timing.median(device) / 1e6,
                v.flops() / BenchCommand.Timing.median(wall));
    }

    private static Map<String, Object> toMap(Variant v, long[] wall, long[] device, List<BenchRun.KernelTime> profile) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernels", v.kernels());
        m.put("launches", v.launches());
        m.put("flops", v.flops());
        m.put("bytes", v.bytes());
        m.put("median_ms", BenchCommand.Timing.median(wall) / 1e6);
        m.put("min_ms", Arrays.stream(wall).min().orElse(0) / 1e6);
        m.put("max_ms", Arrays.stream(wall).max().orElse(0) / 1e6);
        m.put("kernel_ms", BenchCommand.Timing.median(device) / 1e6);
        m.put("gflops", v.flops() / BenchCommand.Timing.median(wall));
        m.put("gbps", v.bytes() / BenchCommand.Timing.median(wall));
        if (!profile.isEmpty()) {
            m.put("profile", BenchCommand.profileJson(profile, null));
        }
        return m;
    }

    private void write(Map<String, Object> j) throws IOException {
        Files.writeString(json, Json.write(j) + "\n");
        out.println("results written to " + json);
    }
}
