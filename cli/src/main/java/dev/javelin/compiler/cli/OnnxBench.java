package dev.javelin.compiler.cli;

import dev.javelin.compiler.cli.BenchCommand.Compiled;
import dev.javelin.compiler.cli.BenchCommand.Timing;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.compiler.report.BenchRun;
import dev.javelin.compiler.report.Ceilings;
import dev.javelin.dsl.json.Json;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.OnnxModel;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuPool;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code javelin bench --onnx MODEL.onnx}: an imported ONNX model's inference fused against unfused
 * on the CPU backend and, with {@code --peer onnxruntime}, against ONNX Runtime Java on the same
 * arrays, all in one process, the engines taking turns in blocks of {@link #BLOCK} runs so drift
 * hits them alike.
 */
final class OnnxBench {
    /** The class whose presence says ONNX Runtime Java is on the class path (a test names a missing one). */
    static volatile String peerClass = "ai.onnxruntime.OrtEnvironment";

    /** The ONNX Runtime Java release the CLI is built against (cli/pom.xml, scope provided). */
    static final String ORT_VERSION = "1.29.0";

    /** Runs of one engine in a row before the next takes its turn. */
    static final int BLOCK = 10;

    static final String PEER_MISSING = "--peer onnxruntime needs ONNX Runtime Java on the class path, and it is"
            + " not there: copy com.microsoft.onnxruntime:onnxruntime:" + ORT_VERSION
            + " into cli/target/lib (mvn -q dependency:copy -Dartifact=com.microsoft.onnxruntime:onnxruntime:"
            + ORT_VERSION + " -DoutputDirectory=cli/target/lib)";

    /** Another engine timed on the same inputs: one run, and its outputs by ONNX name as floats. */
    interface Peer extends AutoCloseable {
        String describe();

        void run();

        Map<String, float[]> outputs();

        @Override
        void close();
    }

    record Settings(int runs, int warmup, Integer threads, boolean profile, Path json) {}

    private final Path model;
    private final Map<String, NdArray> inputs;
    private final Map<String, Long> dims;
    private final String peer;
    private final Settings s;

    OnnxBench(Path model, List<String> inputs, List<String> dims, String peer, Settings s) throws IOException {
        this.model = model;
        this.inputs = RunCommand.inputs(inputs);
        this.dims = RunCommand.dims(dims);
        this.peer = peer;
        this.s = s;
        if (peer != null && !peer.equals("onnxruntime")) {
            throw new CliException("unknown --peer '" + peer + "' (expected onnxruntime)");
        }
    }

    int run(PrintWriter out) throws IOException {
        OnnxModel m = OnnxModel.load(model, dims);
        Map<String, NdArray> feeds = m.feeds(inputs);
        Map<String, Long> sizes = Interpreter.bindSymbols(m.graph(), feeds);
        try (Peer p = peer == null ? null : openPeer(model, inputs, threads());
                CpuPool pool = s.threads() == null ? CpuPool.forMachine() : new CpuPool(s.threads())) {
            out.printf(Locale.ROOT, "measuring this machine's ceilings (%d threads)...%n", pool.threads());
            out.flush();
            Ceilings ceilings = CpuCeilings.measure(pool);
            Compiled fused = BenchCommand.compiled(m.graph(), sizes, PassOptions.defaults(), feeds, pool, out);
            Compiled unfused = BenchCommand.compiled(
                    m.graph(), sizes, PassOptions.defaults().withDisabled(Pipeline.FUSE), feeds, pool, out);
            for (int i = 0; i < s.warmup(); i++) {
                fused.ex().run();
                unfused.ex().run();
                if (p != null) {
                    p.run();
                }
            }
            long[] f = new long[s.runs()];
            long[] u = new long[s.runs()];
            long[] o = new long[s.runs()];
            // Blocks of runs take turns, not single runs: each engine's pool spins for a while after a run,
            // and on a small machine those spinning threads slowed the next engine's run (Javelin's median
            // on PP-OCR cls doubled when it followed ONNX Runtime run by run).
            for (int from = 0; from < s.runs(); from += BLOCK) {
                int to = Math.min(s.runs(), from + BLOCK);
                for (int i = from; i < to; i++) {
                    f[i] = BenchCommand.time(fused.ex());
                }
                for (int i = from; i < to; i++) {
                    u[i] = BenchCommand.time(unfused.ex());
                }
                for (int i = from; p != null && i < to; i++) {
                    long t0 = System.nanoTime();
                    p.run();
                    o[i] = System.nanoTime() - t0;
                }
            }
            out.printf(
                    Locale.ROOT,
                    "%s inference, %s, %d threads, %d runs each (taking turns in blocks of %d) after %d warm-up runs:%n",
                    model.getFileName(),
                    describe(inputs),
                    pool.threads(),
                    s.runs(),
                    BLOCK,
                    s.warmup());
            BenchCommand.Profile pf = s.profile() ? BenchCommand.profile(fused, s.runs()) : null;
            BenchRun.Variant vf = fused.result(Timing.of(f), pf == null ? List.of() : pf.kernels());
            BenchRun.Variant vu = unfused.result(Timing.of(u), List.of());
            BenchCommand.print(out, "fused", vf, ceilings);
            BenchCommand.print(out, "unfused", vu, ceilings);
            Timing peerTime = p == null ? null : Timing.of(o);
            if (p != null) {
                out.printf(
                        Locale.ROOT,
                        "  %-8s median %8.3f ms  (min %.3f, max %.3f)  %s%n",
                        "peer",
                        peerTime.medianMs(),
                        peerTime.minMs(),
                        peerTime.maxMs(),
                        p.describe());
            }
            out.printf(Locale.ROOT, "fused is %.2fx the speed of unfused (median)%n", vu.medianMs() / vf.medianMs());
            Double difference = null;
            if (p != null) {
                difference = difference(m, fused, p);
                out.printf(
                        Locale.ROOT,
                        "fused is %.2fx the speed of ONNX Runtime, unfused %.2fx (median against median; above 1 is"
                                + " faster); largest output difference from ONNX Runtime %.1e of the output's"
                                + " largest magnitude%n",
                        peerTime.medianMs() / vf.medianMs(),
                        peerTime.medianMs() / vu.medianMs(),
                        difference);
            }
            if (pf != null) {
                BenchCommand.printProfile(out, "fused", pf.stepMs(), vf.profile(), Integer.MAX_VALUE, ceilings);
            }
            if (s.json() != null) {
                Files.writeString(s.json(), Json.write(json(pool, vf, vu, p, peerTime, difference, ceilings)) + "\n");
                out.println("results written to " + s.json());
            }
            out.flush();
        }
        return 0;
    }

    private int threads() {
        return s.threads() == null ? Runtime.getRuntime().availableProcessors() : s.threads();
    }

    /** ONNX Runtime when its classes are on the class path; a one-line error saying how to get them when not. */
    static Peer openPeer(Path model, Map<String, NdArray> inputs, int threads) {
        try {
            Class.forName(peerClass, false, OnnxBench.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new CliException(PEER_MISSING);
        }
        return OnnxRuntimePeer.open(model, inputs, threads);
    }

    /** Inputs as {@code name f32[1,3,48,192]}, comma separated. */
    static String describe(Map<String, NdArray> inputs) {
        StringBuilder b = new StringBuilder();
        for (var e : inputs.entrySet()) {
            b.append(b.isEmpty() ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(e.getValue().type());
        }
        return b.toString();
    }

    /**
     * The largest difference between fused Javelin's and the peer's outputs, over each output's largest
     * magnitude (at least 1e-30): both timed the same computation only if this is small.
     */
    private static double difference(OnnxModel m, Compiled fused, Peer p) {
        Map<String, float[]> theirs = p.outputs();
        double worst = 0;
        for (var e : m.outputNames().entrySet()) {
            double[] ours = Feeds.get(fused.ex(), "output", e.getValue()).toDoubles();
            float[] ref = theirs.get(e.getKey());
            if (ref == null || ref.length != ours.length) {
                return Double.NaN;
            }
            double err = 0;
            double scale = 1e-30;
            for (int i = 0; i < ours.length; i++) {
                err = Math.max(err, Math.abs(ours[i] - ref[i]));
                scale = Math.max(scale, Math.abs(ref[i]));
            }
            worst = Math.max(worst, err / scale);
        }
        return worst;
    }

    private Map<String, Object> json(
            CpuPool pool,
            BenchRun.Variant vf,
            BenchRun.Variant vu,
            Peer p,
            Timing peerTime,
            Double difference,
            Ceilings c) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("onnx", model.toString());
        Map<String, Object> in = new LinkedHashMap<>();
        inputs.forEach((k, v) -> in.put(k, v.type().toString()));
        j.put("inputs", in);
        j.put("backend", "simd");
        j.put("threads", pool.threads());
        j.put("runs", s.runs());
        j.put("fused", variant(vf, c));
        j.put("unfused", variant(vu, c));
        j.put("fused_speedup", vu.medianMs() / vf.medianMs());
        if (p != null) {
            Map<String, Object> peerJson = new LinkedHashMap<>();
            peerJson.put("engine", p.describe());
            peerJson.put("median_ms", peerTime.medianMs());
            peerJson.put("min_ms", peerTime.minMs());
            peerJson.put("max_ms", peerTime.maxMs());
            peerJson.put("fused_speedup", peerTime.medianMs() / vf.medianMs());
            peerJson.put("unfused_speedup", peerTime.medianMs() / vu.medianMs());
            peerJson.put("max_relative_difference", difference);
            j.put("peer", peerJson);
        }
        return j;
    }

    private static Map<String, Object> variant(BenchRun.Variant v, Ceilings c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernels", v.kernels());
        m.put("median_ms", v.medianMs());
        m.put("min_ms", v.minMs());
        m.put("max_ms", v.maxMs());
        m.put("flops", v.flops());
        m.put("bytes", v.bytes());
        if (!v.profile().isEmpty()) {
            m.put("profile", BenchCommand.profileJson(v.profile(), c));
        }
        return m;
    }
}
