package dev.javelin.compiler.cli;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.io.AtomicWrite;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.plan.PlanPrinter;
import dev.javelin.ir.type.Dim;
import dev.javelin.passes.fuse.FusionResult;
import dev.javelin.passes.fuse.FusionVeto;
import dev.javelin.passes.memory.MemoryNumbers;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code javelin compile}: runs the whole pass pipeline over a model's graph (or a graph IR file)
 * at a concrete batch size and says what came out: kernels, FLOPs, bytes, and the arena's peak
 * against its lower bound and against no reuse. Optionally writes a JSON report, the plan, and the
 * IR after every pass.
 */
@Command(
        name = "compile",
        mixinStandardHelpOptions = true,
        description = "Compile a model's graph (or a graph IR FILE) into a memory-planned plan and report on it.")
final class CompileCommand implements Callable<Integer> {
    /** The symbolic dimension {@code --batch} binds; a graph with another one cannot be planned here. */
    static final String BATCH = "batch";

    @Parameters(
            paramLabel = "FILE",
            arity = "0..1",
            description = "Graph IR text file, or an ONNX model (.onnx), instead of --model.")
    Path file;

    @Option(
            names = "--dim",
            paramLabel = "NAME=SIZE",
            description = "With an ONNX model: fix its dynamic dim NAME to SIZE at import (repeat for each; see"
                    + " javelin run --dim).")
    List<String> dims = List.of();

    @Option(names = "--model", paramLabel = "NAME", description = "Compile this model's graph.")
    String model;

    @Mixin
    ModelClassOption modelClass = new ModelClassOption();

    @Option(names = "--train", description = "With --model: the whole training step (forward, backward, update).")
    boolean train;

    @Option(
            names = "--optimizer",
            defaultValue = "sgd",
            paramLabel = "NAME",
            description = "With --train: sgd, momentum, nesterov, adam or adamw (default: ${DEFAULT-VALUE}).")
    String optimizer;

    @Option(
            names = "--batch",
            defaultValue = "64",
            paramLabel = "N",
            description = "Size bound to the symbolic dimension 'batch' (default: ${DEFAULT-VALUE}).")
    long batch;

    @Option(names = "--no-fusion", description = "Switch fusion off: one kernel per computing primitive.")
    boolean noFusion;

    @Option(
            names = "--disable",
            paramLabel = "PASS",
            completionCandidates = PassNames.class,
            description = "Switch a pass off by name (repeatable): ${COMPLETION-CANDIDATES}.")
    List<String> disable = new ArrayList<>();

    /** The names --disable accepts, for the help text. */
    static final class PassNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Pipeline.passNames().iterator();
        }
    }

    @Option(
            names = "--conv-layout",
            paramLabel = "LAYOUT",
            description = "The preferred layout for convolution and pooling, nchw or nhwc (default: keep the"
                    + " graph's); conversions stay at the edges.")
    String convLayout;

    @Option(names = "--verify", description = "Verify the graph after every pass and the plan after every step.")
    boolean verify;

    @Option(names = "--report", paramLabel = "FILE.json", description = "Write the JSON report to this file.")
    Path report;

    @Option(names = "--emit-plan", paramLabel = "FILE", description = "Write the plan's text form to this file.")
    Path emitPlan;

    @Option(
            names = "--dump-ir",
            paramLabel = "DIR",
            description = "Write the input (000-input.ir) and the result of every pass (NNN-<pass>.ir / .plan).")
    Path dumpIr;

    @Option(
            names = "--target",
            paramLabel = "cuda|java",
            description = "The backend the plan is for: fusion asks its veto, and --emit generates its code (CUDA C,"
                    + " or Java on the Vector API); default java.")
    String target;

    @Option(
            names = "--explain-fusion",
            description = "After the report, print every merge fusion refused with the reason, and every merge it"
                    + " made with its score.")
    boolean explainFusion;

    @Option(
            names = "--emit",
            paramLabel = "DIR",
            description = "With --target: write the generated code into this folder (cuda: <plan>.cu and"
                    + " <plan>.launches.txt, the manifest of buffers and launches; java: <Class>.java), and"
                    + " <plan>.kernels.txt, the kernel IR (each kernel's lowered loop nests).")
    Path emit;

    @Option(names = "--time-passes", description = "Print one line per pass, with its counters and time, to stderr.")
    boolean timePasses;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        checkUsage();
        checkWritable(report, "the report");
        checkWritable(emitPlan, "the plan");
        if (dumpIr != null && Files.exists(dumpIr) && !Files.isDirectory(dumpIr)) {
            throw new CliException("cannot dump the IR into " + dumpIr + ": it is a file, not a folder");
        }
        Graph g = graph();
        Compilation c = Pipeline.compile(g, sizes(g), options());
        CompileReport r = new CompileReport(
                model != null ? model : g.name(),
                train,
                train ? Optional.of(optimizer) : Optional.empty(),
                !noFusion && !disable.contains(Pipeline.FUSE),
                batch,
                c);
        if (emitPlan != null) {
            write(emitPlan, PlanPrinter.print(c.plan()), "the plan");
        }
        if (report != null) {
            write(report, r.toJson(), "the report");
        }
        if (emit != null) {
            emitCode(c);
        }
        if (timePasses) {
            PrintWriter err = spec.commandLine().getErr();
            err.print(c.report());
            err.flush();
        }
        summary(r);
        if (explainFusion) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(c.fusion().map(FusionResult::explain).orElse("fusion is off: no merges to explain\n"));
            out.flush();
        }
        return 0;
    }

    /** Writes the generated code of {@code --target} into {@code --emit}; says where on stdout. */
    private void emitCode(Compilation c) throws IOException {
        if (Files.exists(emit) && !Files.isDirectory(emit)) {
            throw new CliException("cannot emit code into " + emit + ": it is a file, not a folder");
        }
        Files.createDirectories(emit);
        String name = c.plan().name();
        PrintWriter out = spec.commandLine().getOut();
        if (target.equals("cuda")) {
            dev.javelin.runtime.cuda.CudaProgram p = dev.javelin.codegen.cuda.CudaCodegen.generate(c.plan());
            write(emit.resolve(name + ".cu"), p.source(), "the CUDA source");
            write(emit.resolve(name + ".launches.txt"), dev.javelin.compiler.cuda.Manifest.text(p), "the manifest");
            out.println("CUDA source written to " + emit.resolve(name + ".cu") + " ("
                    + p.functions().size() + " functions, " + p.launches().size() + " launches; manifest " + name
                    + ".launches.txt)");
            arena(out, "cuda", p.layout().arena());
            kernelText(out, name, dev.javelin.codegen.cuda.CudaCodegen.kernelText(c.plan()));
        } else {
            String cls = "Cpu_" + name.replaceAll("[^A-Za-z0-9_]", "_");
            var program = dev.javelin.codegen.simd.CpuCodegen.generate(c.plan(), "dev.javelin.generated", cls);
            write(emit.resolve(cls + ".java"), program.source(), "the Java source");
            out.println("Java source written to " + emit.resolve(cls + ".java"));
            arena(out, "java", program.layout().arena());
            kernelText(out, name, dev.javelin.codegen.simd.CpuCodegen.kernelText(c.plan()));
        }
        out.flush();
    }

    /** Writes the kernel IR text (the lowered loop nests) beside the code; says where. */
    private void kernelText(PrintWriter out, String name, String text) throws IOException {
        write(emit.resolve(name + ".kernels.txt"), text, "the kernel IR");
        out.println("Kernel IR written to " + emit.resolve(name + ".kernels.txt"));
    }

    /**
     * What the target's executor allocates for temporaries: the plan's arena with every kernel's
     * scratch (and CUDA's constants) placed in it, against the most bytes live in one kernel.
     */
    private static void arena(PrintWriter out, String target, dev.javelin.runtime.ProgramLayout.Arena a) {
        out.printf(
                java.util.Locale.ROOT,
                "arena (%s): %d bytes (planned %d, scratch and constants add %d); lower bound %d, %.3fx%n",
                target,
                a.bytes(),
                a.planned(),
                a.bytes() - a.planned(),
                a.lowerBound(),
                a.lowerBound() == 0 ? 1.0 : (double) a.bytes() / a.lowerBound());
    }

    /** Errors in the command line itself: exit status 2, with a pointer to --help. */
    private void checkUsage() {
        model = modelClass.resolve(model);
        if ((file == null) == (model == null)) {
            throw usage("give either FILE or --model NAME");
        }
        if (train && model == null) {
            throw usage("--train needs --model NAME");
        }
        if (!train && spec.commandLine().getParseResult().hasMatchedOption("--optimizer")) {
            throw usage("--optimizer needs --train (an inference graph has no optimizer)");
        }
        if (batch < 1) {
            throw usage("--batch must be at least 1, found " + batch);
        }
        if (emit != null && target == null) {
            throw usage("--emit needs --target (--target cuda --emit DIR)");
        }
        if (target != null && !target.equals("cuda") && !target.equals("java")) {
            throw usage("--target must be cuda or java, found '" + target + "'");
        }
        Set<String> unknown = new TreeSet<>(disable);
        Pipeline.passNames().forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw usage("--disable: unknown pass" + (unknown.size() == 1 ? " " : "es ")
                    + String.join(", ", unknown.stream().map(n -> "'" + n + "'").toList()) + "; the passes are "
                    + String.join(", ", Pipeline.passNames()));
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Fails before compiling when a file to write is a folder, so nothing is half done. */
    private static void checkWritable(Path target, String what) {
        if (target != null && Files.isDirectory(target)) {
            throw new CliException("cannot write " + what + " to " + target + ": it is a folder");
        }
    }

    private Graph graph() throws IOException {
        boolean onnx = file != null && file.getFileName().toString().endsWith(".onnx");
        if (!dims.isEmpty() && !onnx) {
            throw new CliException("--dim fixes the dims of an ONNX model; give a .onnx FILE");
        }
        if (onnx) {
            return dev.javelin.onnx.OnnxModel.load(file, RunCommand.dims(dims)).graph();
        }
        if (file != null) {
            return IrCommand.read(file);
        }
        return Models.graph(model, train, optimizer);
    }

    /** {@code batch=N} when the graph has a batch dimension; any other symbolic dimension is an error. */
    private Map<String, Long> sizes(Graph g) {
        Set<String> symbols = new TreeSet<>();
        for (Node n : g.nodes()) {
            for (Dim d : n.type().shape().dims()) {
                if (d instanceof Dim.Sym s) {
                    symbols.add(s.name());
                }
            }
        }
        boolean hasBatch = symbols.remove(BATCH);
        if (!symbols.isEmpty()) {
            throw new CliException("graph " + g.name() + " has symbolic dimension" + (symbols.size() == 1 ? " " : "s ")
                    + String.join(", ", symbols) + "; compile can only bind '" + BATCH + "' (--batch N)"
                    + (file != null && file.getFileName().toString().endsWith(".onnx")
                            ? "; fix an ONNX model's dims with --dim NAME=SIZE"
                            : ""));
        }
        return hasBatch ? Map.of(BATCH, batch) : Map.of();
    }

    private PassOptions options() {
        Set<String> off = new TreeSet<>(disable);
        if (noFusion) {
            off.add(Pipeline.FUSE);
        }
        Optional<Layout> layout = Optional.empty();
        if (convLayout != null) {
            layout = Optional.of(
                    switch (convLayout) {
                        case "nchw" -> Layout.NCHW;
                        case "nhwc" -> Layout.NHWC;
                        default ->
                            throw new ParameterException(
                                    spec.commandLine(),
                                    "--conv-layout must be nchw or nhwc, found '" + convLayout + "'");
                    });
        }
        return new PassOptions(
                verify,
                Optional.ofNullable(dumpIr),
                timePasses,
                off,
                layout,
                FusionVeto.forTarget(target == null ? "java" : target));
    }

    private static void write(Path target, String text, String what) {
        try {
            AtomicWrite.write(target, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CliException("cannot write " + what + " to " + target + ": " + reason(e));
        }
    }

    private static String reason(IOException e) {
        return switch (e) {
            case java.nio.file.AccessDeniedException a -> "permission denied";
            case java.nio.file.NoSuchFileException n -> "no such file or folder " + n.getFile();
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> String.valueOf(e.getMessage());
        };
    }

    private void summary(CompileReport r) {
        MemoryNumbers m = r.compilation().memory();
        long loadTime = r.plan().kernels().stream().filter(r::loadTime).count();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%s%s%s: %d kernels%s, %d FLOPs, %d bytes moved%n",
                r.model(),
                train ? " (training step, " + optimizer + ")" : "",
                r.plan().sizes().isEmpty() ? "" : " at " + sizesText(r.plan().sizes()),
                r.plan().kernels().size(),
                loadTime == 0 ? "" : " (" + loadTime + " at load time, " + r.packedBytes() + " packed bytes)",
                r.totalFlops(),
                r.totalBytesMoved());
        out.printf(
                Locale.ROOT,
                "memory: peak %d bytes, lower bound %d, no reuse %d (reuse saves %d bytes, %.2f%%)%n",
                m.peakBytes(),
                m.lowerBoundBytes(),
                m.noReuseBytes(),
                r.savingBytes(),
                r.savingPercent());
        if (!r.fusion()) {
            out.println("fusion: off");
        }
        if (report != null) {
            out.println("report written to " + report);
        }
        if (emitPlan != null) {
            out.println("plan written to " + emitPlan);
        }
        if (dumpIr != null) {
            out.println("IR after every pass dumped into " + dumpIr);
        }
        out.flush();
    }

    private static String sizesText(Map<String, Long> sizes) {
        return String.join(
                ", ",
                sizes.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toList());
    }
}
