package dev.javelin.compiler.cli;

import dev.javelin.compiler.CompileOptions;
import dev.javelin.compiler.CompiledModel;
import dev.javelin.compiler.HostTensor;
import dev.javelin.compiler.Javelin;
import dev.javelin.ir.dot.DotExporter;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.text.Parser;
import dev.javelin.ir.text.Printer;
import dev.javelin.ir.value.NdArray;
import dev.javelin.ir.verify.Verifier;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code javelin ir ...}: work with graph IR text files. */
@Command(
        name = "ir",
        mixinStandardHelpOptions = true,
        description = "Print, verify, draw or run a graph IR text file.",
        subcommands = {IrCommand.Print.class, IrCommand.Verify.class, IrCommand.Dot.class, IrCommand.Run.class})
final class IrCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Strict UTF-8 with a size limit: a binary file or a device fails at its first bad byte, by position. */
    static Graph read(Path file) throws IOException {
        return Parser.parse(file);
    }

    @Command(
            name = "print",
            mixinStandardHelpOptions = true,
            description = "Print FILE (or a named model's graph) in canonical form.")
    static final class Print implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "FILE", arity = "0..1", description = "Graph IR text file.")
        Path file;

        @Option(names = "--model", paramLabel = "NAME", description = "Print this model's graph instead of a file.")
        String model;

        @Option(names = "--train", description = "With --model: the whole training step (forward, backward, update).")
        boolean train;

        @Option(names = "--optimizer", defaultValue = "sgd", description = "With --train: the optimizer (default sgd).")
        String optimizer;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if ((file == null) == (model == null)) {
                throw new CliException("give either FILE or --model NAME");
            }
            if (train && model == null) {
                throw new CliException("--train needs --model NAME");
            }
            Graph g;
            if (file != null) {
                g = read(file);
            } else {
                g = Models.graph(model, train, optimizer);
            }
            spec.commandLine().getOut().print(Printer.print(g));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true, description = "Check every IR invariant of FILE.")
    static final class Verify implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Graph IR text file.")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Graph g = read(file);
            Verifier.verify(g);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "%s: graph %s is valid (%d nodes, %d inputs, %d parameters, %d outputs)%n",
                            file,
                            g.name(),
                            g.nodes().size(),
                            g.inputs().size(),
                            g.parameters().size(),
                            g.outputs().size());
            return 0;
        }
    }

    @Command(name = "dot", mixinStandardHelpOptions = true, description = "Write FILE as a Graphviz DOT graph.")
    static final class Dot implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Graph IR text file.")
        Path file;

        @Option(
                names = {"-o", "--output"},
                paramLabel = "OUT",
                description = "Write to OUT instead of stdout.")
        Path output;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            String dot = DotExporter.toDot(read(file));
            if (output == null) {
                spec.commandLine().getOut().print(dot);
                spec.commandLine().getOut().flush();
            } else {
                writeAtomically(output, dot.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return 0;
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = "Run FILE on the float64 reference interpreter or a compiled backend; write one .npy per"
                    + " output into DIR.")
    static final class Run implements java.util.concurrent.Callable<Integer> {
        @Parameters(paramLabel = "FILE", description = "Graph IR text file.")
        Path file;

        @Option(
                names = {"-i", "--input"},
                paramLabel = "NAME=PATH.npy",
                description = "Feed for an input or parameter of the graph (repeat for each).")
        List<String> inputs = List.of();

        @Option(
                names = "--out",
                paramLabel = "DIR",
                required = true,
                description = "Folder for the results: NAME.npy per output, NAME.updated.npy per assigned parameter.")
        Path out;

        @Option(
                names = "--backend",
                defaultValue = "interpreter",
                paramLabel = "interpreter|simd|cuda",
                description =
                        "interpreter (float64, exact), simd (the CPU backend) or cuda (default: ${DEFAULT-VALUE}).")
        String backend;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            if (!List.of("interpreter", "simd", "cuda").contains(backend)) {
                throw new CliException("unknown --backend '" + backend + "' (expected interpreter, simd or cuda)");
            }
            Graph g = read(file);
            Verifier.verify(g);
            Map<String, NdArray> feeds = new LinkedHashMap<>();
            for (String spec : inputs) {
                int eq = spec.indexOf('=');
                if (eq <= 0 || eq == spec.length() - 1) {
                    throw new CliException("--input expects NAME=PATH.npy, found '" + spec + "'");
                }
                String name = spec.substring(0, eq);
                if (feeds.put(name, Npy.read(Path.of(spec.substring(eq + 1)))) != null) {
                    throw new CliException("--input " + name + " is given twice");
                }
            }
            Interpreter.Result r =
                    backend.equals("interpreter") ? Interpreter.run(g, feeds) : compiled(g, feeds, backend);
            Files.createDirectories(out);
            PrintWriter o = spec.commandLine().getOut();
            for (var e : r.outputs().entrySet()) {
                writeAtomically(out.resolve(e.getKey() + ".npy"), Npy.toBytes(e.getValue()));
                o.println(e.getKey() + ": " + e.getValue().type() + " -> " + out.resolve(e.getKey() + ".npy"));
            }
            for (var e : r.updatedParameters().entrySet()) {
                Path p = out.resolve(e.getKey() + ".updated.npy");
                writeAtomically(p, Npy.toBytes(e.getValue()));
                o.println(e.getKey() + " (updated): " + e.getValue().type() + " -> " + p);
            }
            o.flush();
            return 0;
        }
    }

    /**
     * {@code g} compiled for the chosen backend at the sizes the feeds give its symbolic dimensions,
     * run once: its outputs and the parameters its assigns update, as the interpreter reports them.
     */
    static Interpreter.Result compiled(Graph g, Map<String, NdArray> feeds, String backend) {
        // The interpreter's own checks: every input and parameter fed, nothing else, types and sizes.
        Map<String, Long> sizes = Interpreter.bindSymbols(g, feeds);
        CompileOptions options = CompileOptions.cpu().withTarget(backend.equals("simd") ? "cpu" : "cuda");
        for (var e : sizes.entrySet()) {
            options = options.withSize(e.getKey(), e.getValue());
        }
        try (CompiledModel m = Javelin.compile(g, options)) {
            Map<String, NdArray> parameters = new LinkedHashMap<>();
            Map<String, HostTensor> inputs = new LinkedHashMap<>();
            m.parameters().forEach(p -> parameters.put(p.name(), feeds.get(p.name())));
            m.setParameters(parameters);
            m.inputs().forEach(p -> inputs.put(p.name(), host(feeds.get(p.name()))));
            Map<String, NdArray> outputs = new LinkedHashMap<>();
            Map<String, HostTensor> got = m.run(inputs);
            for (CompiledModel.TensorSpec s : m.outputs()) {
                HostTensor t = got.get(s.name());
                dev.javelin.ir.type.DType dtype = dev.javelin.ir.type.DType.fromText(s.dtype());
                outputs.put(
                        s.name(),
                        t.isIntegral()
                                ? NdArray.ofLongs(dtype, s.shape(), t.toLongs())
                                : NdArray.of(dtype, s.shape(), toDoubles(t.toFloats())));
            }
            Map<String, NdArray> updated = new LinkedHashMap<>();
            for (dev.javelin.ir.graph.Node a : g.assigns()) {
                String p = a.inputs().get(0);
                updated.put(p, m.parameter(p));
            }
            return new Interpreter.Result(outputs, updated);
        }
    }

    private static HostTensor host(NdArray v) {
        if (!v.dtype().isFloat()) {
            return HostTensor.ofLongs(v.toLongs(), v.shape());
        }
        double[] d = v.toDoubles();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return HostTensor.of(f, v.shape());
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Writes through a temporary file and a rename, so a failure never leaves half a file. */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        dev.javelin.ir.io.AtomicWrite.write(target, bytes);
    }
}
