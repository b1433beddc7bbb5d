package dev.javelin.compiler;

import dev.javelin.JavelinException;
import dev.javelin.compiler.cpu.CpuBackend;
import dev.javelin.compiler.cuda.CudaBackend;
import dev.javelin.dsl.Net;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.text.Parser;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.fuse.FusionVeto;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import dev.javelin.runtime.cuda.CudaContext;
import dev.javelin.runtime.cuda.CudaDevices;
import dev.javelin.runtime.cuda.CudaExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The front door for Java code: compile a traced {@link Net}, a {@link Graph} or an IR file for the
 * CPU or a GPU, and run the {@link CompiledModel} it returns.
 *
 * <pre>{@code
 * Net net = new Net("mlp");
 * Tensor x = net.input("x", DType.F32, "batch", 784);
 * net.output("logits", net.module("fc", new Linear(784, 10)).apply(x));
 * try (CompiledModel m = Javelin.compile(net, CompileOptions.cpu().withBatch(32))) {
 *     Map<String, HostTensor> out = m.run(Map.of("x", HostTensor.of(pixels, 32, 784)));
 * }
 * }</pre>
 */
public final class Javelin {
    private Javelin() {}

    /**
     * Compiles {@code net}'s graph and sets its parameters to their initial values (seeded by
     * {@link CompileOptions#seed()}); load trained values with {@link CompiledModel#loadCheckpoint}.
     *
     * @param net the traced net; its graph's outputs are the model's
     * @param options how to compile
     * @return the compiled model, ready to run; close it to free its memory
     */
    public static CompiledModel compile(Net net, CompileOptions options) {
        Objects.requireNonNull(net, "net");
        CompiledModel model = compile(net.build(), options);
        try {
            Map<String, NdArray> initial = new LinkedHashMap<>();
            Set<String> mine = new TreeSet<>();
            model.parameters().forEach(p -> mine.add(p.name()));
            net.initialValues(options.seed()).forEach((path, v) -> {
                if (mine.contains(path)) {
                    initial.put(path, v);
                }
            });
            model.setParameters(initial);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Compiles an IR file (the text form {@code javelin ir} and {@code javelin compile} read).
     *
     * @param irFile the IR file
     * @param options how to compile
     * @return the compiled model, whose parameters start without values; close it to free its memory
     */
    public static CompiledModel compile(Path irFile, CompileOptions options) {
        Objects.requireNonNull(irFile, "irFile");
        if (!Files.isRegularFile(irFile)) {
            throw new JavelinException("IR file " + irFile + " does not exist or is not a file");
        }
        try {
            return compile(Parser.parse(irFile), options);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read IR file " + irFile, e);
        }
    }

    /**
     * Compiles {@code graph}: every symbolic dimension must have a size in {@code options}. Its
     * parameters start without values (set them before the first run).
     *
     * @param graph the graph
     * @param options how to compile
     * @return the compiled model; close it to free its memory
     */
    public static CompiledModel compile(Graph graph, CompileOptions options) {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(options, "options");
        checkSizes(graph, options);
        return target(options).equals("cuda") ? cuda(graph, options) : cpu(graph, options);
    }

    /** {@code cpu} or {@code cuda}: the options' target, with {@code auto} resolved (and logged). */
    static String target(CompileOptions options) {
        if (!options.target().equals("auto")) {
            return options.target();
        }
        CudaDevices.Availability a = CudaDevices.probe();
        options.log()
                .accept(
                        a.available()
                                ? "target auto: CUDA on " + a.device()
                                : "target auto: the CPU (" + a.reason() + ")");
        return a.available() ? "cuda" : "cpu";
    }

    /** The CPU threads the options ask for: one per processor for 0. */
    static CpuPool pool(CompileOptions options) {
        return options.threads() == 0 ? CpuPool.forMachine() : new CpuPool(options.threads());
    }

    /** The passes for a target: CUDA's fusion veto there, fusion off where the options say so. */
    static PassOptions passes(CompileOptions options, String target) {
        PassOptions passes = PassOptions.defaults();
        if (target.equals("cuda")) {
            passes = passes.withFusionVeto(FusionVeto.forTarget("cuda"));
        }
        return options.fuse() ? passes : passes.withDisabled(Pipeline.FUSE);
    }

    private static CompiledModel cpu(Graph graph, CompileOptions options) {
        var plan =
                Pipeline.compile(graph, options.sizes(), passes(options, "cpu")).plan();
        CpuBackend.Compiled compiled = CpuBackend.compile(plan, options.cacheDir(), options.log());
        CpuPool pool = pool(options);
        try {
            CpuExecutor executor = compiled.executor(pool);
            return new CompiledModel(graph.name(), "cpu", executor, pool);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    private static CompiledModel cuda(Graph graph, CompileOptions options) {
        var plan = Pipeline.compile(graph, options.sizes(), passes(options, "cuda"))
                .plan();
        CudaContext context = CudaContext.open();
        try {
            CudaBackend.Compiled compiled = CudaBackend.compile(
                    plan,
                    CudaBackend.compiler(options.log()),
                    CudaBackend.cache(),
                    context.device().arch(),
                    options.log());
            CudaExecutor executor = compiled.executor(context);
            return new CompiledModel(graph.name(), "cuda", executor, () -> {
                try {
                    executor.close();
                } finally {
                    context.close();
                }
            });
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    private static void checkSizes(Graph graph, CompileOptions options) {
        Set<String> missing = new TreeSet<>();
        for (Node n : graph.nodes()) {
            for (Dim d : n.type().shape().dims()) {
                if (d instanceof Dim.Sym s && !options.sizes().containsKey(s.name())) {
                    missing.add(s.name());
                }
            }
        }
        if (!missing.isEmpty()) {
            String first = missing.iterator().next();
            throw new JavelinException("graph " + graph.name() + " has symbolic dimension"
                    + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + " without a size; give each one, e.g. CompileOptions.withSize(\"" + first + "\", 32)"
                    + (missing.contains("batch") ? " or withBatch(32)" : ""));
        }
    }
}
