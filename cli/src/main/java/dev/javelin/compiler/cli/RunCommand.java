package dev.javelin.compiler.cli;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.OnnxModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code javelin run MODEL.onnx ...}: an ONNX model imported and run once on .npy inputs (docs/onnx.md);
 * {@code javelin run --hf DIR ...}: a GPT-2 or Llama-style Hugging Face folder's logits (docs/llm.md).
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run an ONNX model (MODEL) or a Hugging Face GPT-2/Llama folder (--hf DIR, input input_ids) on"
                + " .npy inputs and write one DIR/<output>.npy per output (logits.npy for --hf).")
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(paramLabel = "MODEL", arity = "0..1", description = "An ONNX model file (.onnx).")
    Path model;

    @Option(
            names = "--hf",
            paramLabel = "DIR",
            description = "Instead of MODEL: a Hugging Face GPT-2 or Llama folder (config.json, model.safetensors).")
    Path hf;

    @Option(
            names = {"-i", "--input"},
            paramLabel = "NAME=FILE.npy",
            description = "The array for the model input NAME (its ONNX name; repeat for each input).")
    List<String> inputs = List.of();

    @Option(
            names = "--dim",
            paramLabel = "NAME=SIZE",
            description = "Fix the model's dynamic dim NAME (its ONNX dim_param) to SIZE at import (repeat for each);"
                    + " needed where the IR cannot keep it symbolic, such as an image's height and width.")
    List<String> dims = List.of();

    @Option(names = "--output-dir", paramLabel = "DIR", required = true, description = "Folder for the outputs.")
    Path outputDir;

    @Option(
            names = "--backend",
            defaultValue = "interpreter",
            paramLabel = "interpreter|simd|cuda",
            description = "interpreter (float64, exact), simd (the CPU backend) or cuda (default: ${DEFAULT-VALUE}).")
    String backend;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!List.of("interpreter", "simd", "cuda").contains(backend)) {
            throw new CliException("unknown --backend '" + backend + "' (expected interpreter, simd or cuda)");
        }
        if ((model == null) == (hf == null)) {
            throw new CliException("give one of MODEL.onnx or --hf DIR");
        }
        Map<String, NdArray> arrays = inputs(inputs);
        if (hf != null) {
            return runHf(arrays);
        }
        OnnxModel m = OnnxModel.load(model, dims(dims));
        Map<String, NdArray> feeds = m.feeds(arrays);
        Interpreter.Result r = backend.equals("interpreter")
                ? Interpreter.run(m.graph(), feeds)
                : IrCommand.compiled(m.graph(), feeds, backend);
        Map<String, NdArray> outputs = new LinkedHashMap<>();
        m.outputNames().forEach((name, node) -> outputs.put(name, r.outputs().get(node)));
        return write(outputs);
    }

    /** The folder's logits of {@code input_ids} ([batch, seq] integers), all positions. */
    private int runHf(Map<String, NdArray> arrays) throws IOException {
        NdArray ids = arrays.get("input_ids");
        if (ids == null || arrays.size() != 1) {
            throw new CliException("--hf takes one input, --input input_ids=FILE.npy, found " + arrays.keySet());
        }
        if (ids.rank() != 2 || !ids.dtype().isInteger()) {
            throw new CliException("input_ids must be integer ids [batch, seq], found " + ids.type());
        }
        HfModels m = HfModels.load(hf, "run");
        if (ids.dim(1) < 1 || ids.dim(1) > m.model().positions()) {
            throw new CliException("input_ids has " + ids.dim(1) + " positions; the model takes 1 to "
                    + m.model().positions());
        }
        Map<String, NdArray> feeds = new HashMap<>(m.weights());
        feeds.put("input_ids", ids.cast(DType.I64));
        Graph g = m.model().logitsNet((int) ids.dim(1)).build();
        Interpreter.Result r =
                backend.equals("interpreter") ? Interpreter.run(g, feeds) : IrCommand.compiled(g, feeds, backend);
        return write(Map.of("logits", r.outputs().get("logits")));
    }

    private int write(Map<String, NdArray> outputs) throws IOException {
        Files.createDirectories(outputDir);
        PrintWriter o = spec.commandLine().getOut();
        for (var e : outputs.entrySet()) {
            Path file = outputDir.resolve(fileName(e.getKey()) + ".npy");
            IrCommand.writeAtomically(file, Npy.toBytes(e.getValue()));
            o.println(e.getKey() + ": " + e.getValue().type() + " -> " + file);
        }
        o.flush();
        return 0;
    }

    /** {@code NAME=FILE.npy} options as arrays by name; a malformed one or a name given twice is an error. */
    static Map<String, NdArray> inputs(List<String> specs) throws IOException {
        Map<String, NdArray> arrays = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.indexOf('=');
            if (eq <= 0 || eq == spec.length() - 1) {
                throw new CliException("--input expects NAME=FILE.npy, found '" + spec + "'");
            }
            String name = spec.substring(0, eq);
            if (arrays.put(name, Npy.read(Path.of(spec.substring(eq + 1)))) != null) {
                throw new CliException("--input " + name + " is given twice");
            }
        }
        return arrays;
    }

    /** {@code NAME=SIZE} options as a map; a malformed one or a name given twice is an error. */
    static Map<String, Long> dims(List<String> specs) {
        Map<String, Long> dims = new LinkedHashMap<>();
        for (String spec : specs) {
            int eq = spec.lastIndexOf('=');
            long size = -1;
            try {
                size = eq > 0 ? Long.parseLong(spec.substring(eq + 1)) : -1;
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 0) {
                throw new CliException("--dim expects NAME=SIZE with a whole number SIZE, found '" + spec + "'");
            }
            if (dims.put(spec.substring(0, eq), size) != null) {
                throw new CliException("--dim " + spec.substring(0, eq) + " is given twice");
            }
        }
        return dims;
    }

    /** An output name as a file name: characters outside {@code [A-Za-z0-9._-]} become '_'. */
    static String fileName(String output) {
        String s = output.replaceAll("[^A-Za-z0-9._-]", "_");
        return s.equals(".") || s.equals("..") ? s.replace('.', '_') : s;
    }
}
