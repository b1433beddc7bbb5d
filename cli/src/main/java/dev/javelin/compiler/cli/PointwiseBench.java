package dev.javelin.compiler.cli;

import dev.javelin.compiler.cpu.CpuBackend;
import dev.javelin.dsl.json.Json;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * {@code javelin bench --pointwise N}: a chain of eight pointwise ops over N floats ({@link
 * #chain}: multiply, add, max, subtract, square, negate, add, min), fused (one pass: read x and s,
 * write y) and unfused (eight passes), against the copy bandwidth this machine shows in
 * the same run (a parallel copy of as many bytes as the fused kernel moves, {@link CpuCeilings.Copy}:
 * the ceiling {@code javelin bench --model} measures too). Bandwidth is
 * the bytes a kernel must move over its median time.
 */
public final class PointwiseBench {
    private final long n;
    private final int runs;
    private final int warmup;
    private final Integer threads;
    private final Path json;
    private final PrintWriter out;

    PointwiseBench(long n, int runs, int warmup, Integer threads, Path json, PrintWriter out) {
        this.n = n;
        this.runs = runs;
        this.warmup = warmup;
        this.threads = threads;
        this.json = json;
        this.out = out;
    }

    /** The chain over {@code n} elements: inputs x and s, output y (also a JMH benchmark's graph). */
    public static dev.javelin.ir.graph.Graph chain(long n) {
        GraphBuilder b = new GraphBuilder("pointwise_chain");
        Value x = b.input("x", TensorType.of(DType.F32, n));
        Value s = b.input("s", TensorType.of(DType.F32, n));
        Value t = b.binary(BinaryFn.MUL, x, b.scalar(DType.F32, 1.5));
        t = b.binary(BinaryFn.ADD, t, s);
        t = b.binary(BinaryFn.MAX, t, b.scalar(DType.F32, 0));
        t = b.binary(BinaryFn.SUB, t, b.scalar(DType.F32, 0.25));
        t = b.binary(BinaryFn.MUL, t, t);
        t = b.unary(UnaryFn.NEG, t);
        t = b.binary(BinaryFn.ADD, t, x);
        t = b.binary(BinaryFn.MIN, t, b.scalar(DType.F32, 4));
        b.output("y", t);
        return b.build();
    }

    int run() throws IOException {
        if (n < 1 || n > Integer.MAX_VALUE / 8) {
            throw new CliException("--pointwise needs 1 to " + Integer.MAX_VALUE / 8 + " elements, found " + n);
        }
        var g = chain(n);
        float[] data = new float[(int) n];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) Math.sin(i);
        }
        try (CpuPool pool = threads == null ? CpuPool.forMachine() : new CpuPool(threads)) {
            CpuExecutor fused = executor(g, PassOptions.defaults(), pool, data);
            CpuExecutor unfused = executor(g, PassOptions.defaults().withDisabled(Pipeline.FUSE), pool, data);
            double copyBytes;
            long[] tf = new long[runs];
            long[] tu = new long[runs];
            long[] tc = new long[runs];
            // A copy moving as many bytes as the fused kernel (two arrays read, one written: 12n).
            try (CpuCeilings.Copy copy = new CpuCeilings.Copy(pool, 6 * n)) {
                for (int i = 0; i < warmup; i++) {
                    fused.run();
                    unfused.run();
                    copy.run();
                }
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    fused.run();
                    long t1 = System.nanoTime();
                    unfused.run();
                    long t2 = System.nanoTime();
                    copy.run();
                    long t3 = System.nanoTime();
                    tf[i] = t1 - t0;
                    tu[i] = t2 - t1;
                    tc[i] = t3 - t2;
                }
                copyBytes = copy.moved();
            }
            double bytes = 12.0 * n;
            double copy = copyBytes / BenchCommand.Timing.median(tc);
            double f = bytes / BenchCommand.Timing.median(tf);
            double u = bytes / BenchCommand.Timing.median(tu);
            out.printf(
                    Locale.ROOT,
                    "pointwise chain of 8 ops over %d f32 elements, %d threads, %d runs after %d warm-up:%n",
                    n,
                    pool.threads(),
                    runs,
                    warmup);
            out.printf(
                    Locale.ROOT,
                    "  copy     %8.3f ms  %6.2f GB/s (a parallel copy of the same bytes, the pool's threads)%n",
                    BenchCommand.Timing.median(tc) / 1e6,
                    copy);
            out.printf(
                    Locale.ROOT,
                    "  fused    %8.3f ms  %6.2f GB/s effective, %.0f%% of copy bandwidth%n",
                    BenchCommand.Timing.median(tf) / 1e6,
                    f,
                    100 * f / copy);
            out.printf(
                    Locale.ROOT,
                    "  unfused  %8.3f ms  %6.2f GB/s effective, %.0f%% of copy bandwidth%n",
                    BenchCommand.Timing.median(tu) / 1e6,
                    u,
                    100 * u / copy);
            if (json != null) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("pointwise_elements", n);
                j.put("threads", pool.threads());
                j.put("copy_gbps", copy);
                j.put("fused_gbps", f);
                j.put("unfused_gbps", u);
                j.put("fused_of_copy", f / copy);
                Files.writeString(json, Json.write(j) + "\n");
                out.println("results written to " + json);
            }
        }
        out.flush();
        return 0;
    }

    private CpuExecutor executor(dev.javelin.ir.graph.Graph g, PassOptions options, CpuPool pool, float[] data) {
        var plan = Pipeline.compile(g, Map.of(), options).plan();
        CpuExecutor ex =
                CpuBackend.compile(plan, CpuBackend.defaultCacheDir(), s -> {}).executor(pool);
        ex.set("input", "x", data);
        ex.set("input", "s", data);
        return ex;
    }
}
