package dev.javelin.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.OperatorSetIdProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An ONNX model imported into Javelin's graph IR. The graph's inputs are the model's inputs (ONNX's
 * named dynamic dimensions, such as {@code batch_size}, become symbolic dimensions of the same name);
 * its weights (float initializers and Constant nodes of more than 16 elements) are parameters whose
 * values {@link #weights()} holds, to bind when the graph runs or is compiled; smaller known tensors
 * are constants. Names that are not IR identifiers have their other characters replaced by '_':
 * {@link #inputNames()} and {@link #outputNames()} map the ONNX names to the graph's.
 */
public final class OnnxModel {
    private final Graph graph;
    private final Map<String, NdArray> weights;
    private final Map<String, String> inputNames;
    private final Map<String, String> outputNames;
    private final int opset;

    private OnnxModel(
            Graph graph, Map<String, NdArray> weights, Map<String, String> in, Map<String, String> out, int opset) {
        this.graph = graph;
        this.weights = Collections.unmodifiableMap(weights);
        this.inputNames = Collections.unmodifiableMap(in);
        this.outputNames = Collections.unmodifiableMap(out);
        this.opset = opset;
    }

    /**
     * Reads and imports the model in {@code file}; external tensor data is read from files beside it.
     *
     * @param file a {@code .onnx} file
     * @return the imported model
     * @throws OnnxException if the file cannot be read or parsed, or a node, attribute or tensor is
     *     not supported (the message names the node, its op and the opset)
     */
    public static OnnxModel load(Path file) {
        return load(file, Map.of());
    }

    /**
     * Reads and imports the model in {@code file} with some dynamic dims fixed: a model whose image
     * height and width are dynamic, say, imports only with them static.
     *
     * @param file a {@code .onnx} file
     * @param dims a size for each dynamic dim to fix, by its ONNX name ({@code dim_param}), or by
     *     {@code <input>_dim<axis>} for an unnamed one
     * @return the imported model
     * @throws OnnxException as {@link #load(Path)}, and if a name is no dynamic dim of the inputs
     */
    public static OnnxModel load(Path file, Map<String, Long> dims) {
        ModelProto m = read(file);
        Path dir = file.toAbsolutePath().getParent();
        return of(m, dir, file.getFileName().toString(), dims);
    }

    /**
     * Imports an already parsed model.
     *
     * @param m the model
     * @param dir the folder that external tensor data is relative to
     * @param name the graph's name when the model names none
     * @return the imported model
     */
    public static OnnxModel of(ModelProto m, Path dir, String name) {
        return of(m, dir, name, Map.of());
    }

    /**
     * Imports an already parsed model with some dynamic dims fixed (see {@link #load(Path, Map)}).
     *
     * @param m the model
     * @param dir the folder that external tensor data is relative to
     * @param name the graph's name when the model names none
     * @param dims a size for each dynamic dim to fix, by ONNX name
     * @return the imported model
     */
    public static OnnxModel of(ModelProto m, Path dir, String name, Map<String, Long> dims) {
        int opset = opset(m, name);
        String graphName =
                m.getGraph().getName().isBlank() ? name : m.getGraph().getName();
        Importer imp = new Importer(Importer.identifier(graphName), opset, dir, dims);
        Graph g = imp.run(m.getGraph());
        return new OnnxModel(
                g,
                new LinkedHashMap<>(imp.weights()),
                new LinkedHashMap<>(imp.inputNames()),
                new LinkedHashMap<>(imp.outputNames()),
                opset);
    }

    /**
     * What {@link #addTo} gives: the model's outputs as values of the caller's graph, and the values
     * of the parameters it added (the model's weights).
     *
     * @param outputs one value per ONNX graph output, by ONNX name, in the model's order
     * @param weights the added parameters' values, by parameter name
     */
    public record Added(Map<String, Value> outputs, Map<String, NdArray> weights) {
        /** Copies both maps, keeping their order. */
        public Added {
            outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
            weights = Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        }
    }

    /**
     * Adds a model's graph to a graph being built, as a function of values already there: a user
     * can put layers before and after it, and differentiate through it ({@link
     * dev.javelin.ir.autodiff.Autodiff}) with respect to its weights, which become parameters of
     * {@code b} (named after the ONNX tensors, with a suffix where a name is taken).
     *
     * @param b the builder to add to
     * @param m the model
     * @param dir the folder that external tensor data is relative to
     * @param inputs a value of {@code b} for each ONNX graph input, by ONNX name; each must have the
     *     declared dtype and rank, and the declared size on each static axis
     * @return the outputs and the weights
     * @throws OnnxException if an input is missing, unknown or of another type, or the import fails
     */
    public static Added addTo(GraphBuilder b, ModelProto m, Path dir, Map<String, Value> inputs) {
        int opset = opset(m, "the model");
        Importer imp = new Importer(b, opset, dir, Map.of());
        Map<String, Value> outputs = imp.importGraph(m.getGraph(), inputs);
        return new Added(outputs, imp.weights());
    }

    /**
     * Parses {@code file} as an ONNX {@code ModelProto} without importing it.
     *
     * @param file a {@code .onnx} file
     * @return the parsed model
     * @throws OnnxException if the file cannot be read or is not an ONNX model
     */
    public static ModelProto read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new OnnxException("cannot read ONNX model " + file + ": " + e, e);
        }
        ModelProto m;
        try {
            m = ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxException(file + " is not an ONNX model (protobuf ModelProto): " + e.getMessage(), e);
        }
        if (!m.hasGraph()) {
            throw new OnnxException(file + " is not an ONNX model: it has no graph (ModelProto field 7)");
        }
        return m;
    }

    /** The opset of the default domain, checked against the range the importer supports. */
    static int opset(ModelProto m, String where) {
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                long v = o.getVersion();
                if (v < Ops.MIN_OPSET || v > Ops.MAX_OPSET) {
                    throw new OnnxException(where + " uses opset " + v + " of the default ONNX domain; Javelin imports"
                            + " opsets " + Ops.MIN_OPSET + " to " + Ops.MAX_OPSET);
                }
                return (int) v;
            }
        }
        throw new OnnxException(where + " imports no opset of the default ONNX domain (opset_import is "
                + m.getOpsetImportList().stream()
                        .map(o -> o.getDomain() + ":" + o.getVersion())
                        .toList() + ")");
    }

    /**
     * The imported graph.
     *
     * @return the graph
     */
    public Graph graph() {
        return graph;
    }

    /**
     * The values of the graph's parameters (the model's weights), by parameter name.
     *
     * @return an unmodifiable map in the order the parameters were created
     */
    public Map<String, NdArray> weights() {
        return weights;
    }

    /**
     * The graph input name of each ONNX graph input.
     *
     * @return an unmodifiable map from ONNX name to graph name, in the model's input order
     */
    public Map<String, String> inputNames() {
        return inputNames;
    }

    /**
     * The graph output name of each ONNX graph output.
     *
     * @return an unmodifiable map from ONNX name to graph name, in the model's output order
     */
    public Map<String, String> outputNames() {
        return outputNames;
    }

    /**
     * The opset of the default ONNX domain the model uses.
     *
     * @return the opset version
     */
    public int opset() {
        return opset;
    }

    /**
     * The feeds of one run: {@code inputs} (by ONNX input name) under their graph names, and every
     * weight.
     *
     * @param inputs one array per model input, by ONNX name
     * @return the feeds for {@link dev.javelin.ir.interp.Interpreter#run}
     * @throws OnnxException if an input is missing or unknown
     */
    public Map<String, NdArray> feeds(Map<String, NdArray> inputs) {
        Map<String, NdArray> feeds = new LinkedHashMap<>(weights);
        for (var e : inputs.entrySet()) {
            String g = inputNames.get(e.getKey());
            if (g == null) {
                throw new OnnxException(
                        "the model has no input '" + e.getKey() + "'; its inputs are " + inputNames.keySet());
            }
            feeds.put(g, e.getValue());
        }
        for (String in : inputNames.keySet()) {
            if (!inputs.containsKey(in)) {
                throw new OnnxException("input '" + in + "' is missing; the model's inputs are " + inputNames.keySet());
            }
        }
        return feeds;
    }
}
