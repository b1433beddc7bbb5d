package dev.javelin.onnx;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.ShapeException;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.proto.Onnx.GraphProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import dev.javelin.onnx.proto.Onnx.TensorShapeProto;
import dev.javelin.onnx.proto.Onnx.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Builds a Javelin graph from an ONNX graph, node by node in the file's (topological) order. Each
 * ONNX value becomes an {@link Operand}; known contents are folded at import time (see {@link
 * #convert}), and become graph values only where an op uses them as data: small ones as constants,
 * large float ones (the weights) as parameters whose values {@link #weights} keeps.
 */
final class Importer {
    /**
     * Float tensors with more elements than this become parameters, not constants: a constant's
     * values live in the graph (and its text form), a parameter's are bound once when the model is
     * compiled or run, and can be trained. Small ones stay constants so the passes can fold them.
     */
    static final int CONSTANT_LIMIT = 16;

    /** Known inputs up to this many elements are folded at import time by the reference interpreter. */
    static final int FOLD_LIMIT = 1 << 16;

    private final GraphBuilder b;
    private final int opset;
    private final Path modelDir;
    private final Map<String, Operand> env = new HashMap<>();
    private final Map<String, NdArray> weights = new LinkedHashMap<>();
    private final Map<String, String> inputNames = new LinkedHashMap<>();
    private final Map<String, String> outputNames = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();

    /** Sizes for named dynamic dims, fixed at import (by ONNX dim_param, or {@code <input>_dim<axis>}). */
    private final Map<String, Long> fixed;

    private final Set<String> dynamicDims = new java.util.TreeSet<>();

    Importer(String name, int opset, Path modelDir, Map<String, Long> fixed) {
        this(new GraphBuilder(name), opset, modelDir, fixed);
    }

    /** An importer adding to {@code b}, which may already hold nodes (their names stay taken). */
    Importer(GraphBuilder b, int opset, Path modelDir, Map<String, Long> fixed) {
        this.fixed = fixed;
        this.b = b;
        this.opset = opset;
        this.modelDir = modelDir;
        b.nodes().forEach(n -> used.add(n.name()));
    }

    /** The graph of {@code g}; afterwards {@link #weights}, {@link #inputNames} and {@link #outputNames}. */
    Graph run(GraphProto g) {
        for (var e : importGraph(g, null).entrySet()) {
            String n = fresh(e.getKey());
            b.output(n, e.getValue());
            outputNames.put(e.getKey(), n);
        }
        return b.build();
    }

    /**
     * Adds {@code g}'s nodes to the builder and returns its outputs by ONNX name. Each ONNX input is
     * {@code given}'s value of that name or, with {@code given} null, a new graph input.
     */
    Map<String, Value> importGraph(GraphProto g, Map<String, Value> given) {
        Set<String> initialized = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            env.put(
                    t.getName(),
                    Operand.ofData(t.getName(), Tensors.read(t, modelDir, "initializer '" + t.getName() + "'")));
            initialized.add(t.getName());
        }
        for (ValueInfoProto in : g.getInputList()) {
            // older exporters list initializers among the inputs too; those are weights, not feeds
            if (!initialized.contains(in.getName())) {
                env.put(in.getName(), Operand.ofValue(in.getName(), input(in, given)));
            }
        }
        if (given != null && !inputNames.keySet().containsAll(given.keySet())) {
            throw new OnnxException("the model has no input named "
                    + given.keySet().stream()
                            .filter(k -> !inputNames.containsKey(k))
                            .toList() + "; its inputs are " + inputNames.keySet());
        }
        for (String d : fixed.keySet()) {
            if (!dynamicDims.contains(d)) {
                throw new OnnxException("cannot fix dim '" + d + "': the model's inputs have no dynamic dim of that"
                        + " name; they have " + (dynamicDims.isEmpty() ? "none" : String.join(", ", dynamicDims)));
            }
        }
        for (NodeProto node : g.getNodeList()) {
            convertNode(node);
        }
        Map<String, Value> outputs = new LinkedHashMap<>();
        for (ValueInfoProto out : g.getOutputList()) {
            Operand o = env.get(out.getName());
            if (o == null) {
                throw new OnnxException("graph output '" + out.getName() + "' is computed by no node");
            }
            outputs.put(out.getName(), materialize(o));
        }
        return outputs;
    }

    /** ONNX input {@code in} as a new graph input, or as the given value after checking its type. */
    private Value input(ValueInfoProto in, Map<String, Value> given) {
        TensorType declared = inputType(in);
        if (given == null) {
            String n = fresh(in.getName());
            inputNames.put(in.getName(), n);
            return b.input(n, declared);
        }
        Value v = given.get(in.getName());
        if (v == null) {
            throw new OnnxException(
                    "no value is given for the model's input '" + in.getName() + "' (" + declared + ")");
        }
        if (v.type().dtype() != declared.dtype() || v.type().rank() != declared.rank()) {
            throw new OnnxException("the value given for input '" + in.getName() + "' is " + v.type()
                    + ", the model declares " + declared);
        }
        for (int i = 0; i < declared.rank(); i++) {
            Dim d = declared.shape().dim(i);
            if (d.isStatic() && !d.equals(v.type().shape().dim(i))) {
                throw new OnnxException("the value given for input '" + in.getName() + "' is " + v.type()
                        + ", the model declares " + declared);
            }
        }
        inputNames.put(in.getName(), v.name());
        return v;
    }

    Map<String, NdArray> weights() {
        return weights;
    }

    Map<String, String> inputNames() {
        return inputNames;
    }

    Map<String, String> outputNames() {
        return outputNames;
    }

    /** The type of graph input {@code in}: ONNX's named dynamic dims become symbols of the same name. */
    TensorType inputType(ValueInfoProto in) {
        String where = "graph input '" + in.getName() + "'";
        if (!in.getType().hasTensorType()) {
            throw new OnnxException(where + " is not a tensor; Javelin imports tensor inputs only");
        }
        var t = in.getType().getTensorType();
        DType d = Tensors.dtype(t.getElemType(), where);
        List<Dim> dims = new ArrayList<>();
        int axis = 0;
        for (TensorShapeProto.Dimension dim : t.getShape().getDimList()) {
            if (dim.hasDimValue() && dim.getDimValue() >= 0) {
                dims.add(Dim.of(dim.getDimValue()));
            } else {
                String param = dim.hasDimParam() && !dim.getDimParam().isBlank()
                        ? dim.getDimParam()
                        : in.getName() + "_dim" + axis;
                dynamicDims.add(param);
                Long size = fixed.get(param);
                dims.add(size != null ? Dim.of(size) : Dim.sym(identifier(param)));
            }
            axis++;
        }
        return new TensorType(d, new Shape(dims));
    }

    /** {@code s} with every character outside {@code [A-Za-z0-9_]} replaced by '_', not starting with a digit. */
    static String identifier(String s) {
        String r = s.replaceAll("[^A-Za-z0-9_]", "_");
        return r.isEmpty() || Character.isDigit(r.charAt(0)) ? "_" + r : r;
    }

    /** A graph name for ONNX name {@code s} (dots kept, as in {@code encoder.layer.0.bias}), unused so far. */
    private String fresh(String s) {
        String base = s.replaceAll("[^A-Za-z0-9_.]", "_");
        if (base.isEmpty() || !Character.isLetter(base.charAt(0)) && base.charAt(0) != '_') {
            base = "_" + base;
        }
        String n = base;
        for (int i = 1; !used.add(n); i++) {
            n = base + "_" + i;
        }
        return n;
    }

    private void convertNode(NodeProto node) {
        if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
            throw new OnnxException(OnnxNode.describe(node, opset) + ": domain '" + node.getDomain()
                    + "' is not supported; Javelin imports ops of the default ONNX domain only");
        }
        Ops.Spec spec = Ops.spec(node, opset);
        List<Operand> inputs = new ArrayList<>();
        for (String in : node.getInputList()) {
            if (in.isEmpty()) {
                inputs.add(null);
                continue;
            }
            Operand o = env.get(in);
            if (o == null) {
                throw new OnnxException(OnnxNode.describe(node, opset) + ": input '" + in
                        + "' is neither a graph input, an initializer nor an earlier node's output");
            }
            inputs.add(o);
        }
        List<Operand> outs;
        try {
            outs = convert(node, spec, inputs);
        } catch (ShapeException e) {
            // the IR's typing rules reject what the node asks for: name the node, not the converter's line
            throw new OnnxException(
                    OnnxNode.describe(node, opset) + ": " + e.op().mnemonic()
                            + e.operands().stream()
                                    .map(TensorType::toString)
                                    .collect(Collectors.joining(", ", "(", ")"))
                            + ": " + e.detail(),
                    e);
        } catch (IllegalArgumentException e) {
            throw new OnnxException(OnnxNode.describe(node, opset) + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < node.getOutputCount(); i++) {
            if (!node.getOutput(i).isEmpty()) {
                if (i >= outs.size()) {
                    throw new OnnxException(OnnxNode.describe(node, opset) + ": output " + i + " '"
                            + node.getOutput(i) + "' is not supported; Javelin gives this op's first "
                            + outs.size() + " output(s) only");
                }
                env.put(node.getOutput(i), outs.get(i));
            }
        }
    }

    /**
     * The node's results. A node whose every input is a known array of at most {@link #FOLD_LIMIT}
     * elements is evaluated now, on a scratch graph by the reference interpreter, so its result is
     * known too; otherwise it converts into the graph.
     */
    private List<Operand> convert(NodeProto node, Ops.Spec spec, List<Operand> inputs) {
        boolean foldable = !inputs.isEmpty()
                && inputs.stream().allMatch(o -> o == null || o.data != null && o.data.size() <= FOLD_LIMIT);
        if (!foldable) {
            return spec.converter().convert(new OnnxNode(node, opset, b, inputs, this::materialize, modelDir));
        }
        GraphBuilder scratch = new GraphBuilder("fold");
        List<Operand> outs = spec.converter()
                .convert(new OnnxNode(node, opset, scratch, inputs, o -> constant(scratch, o.data), modelDir));
        List<Operand> known = new ArrayList<>();
        boolean pending = false;
        for (int i = 0; i < outs.size(); i++) {
            Operand o = outs.get(i);
            if (!o.isKnown()) {
                scratch.output("out" + i, o.value);
                pending = true;
            }
        }
        Map<String, NdArray> results =
                pending ? Interpreter.run(scratch.build(), Map.of()).outputs() : Map.of();
        for (int i = 0; i < outs.size(); i++) {
            Operand o = outs.get(i);
            String name = i < node.getOutputCount() ? node.getOutput(i) : node.getName();
            known.add(o.isKnown() ? o : Operand.ofData(name, round(results.get("out" + i))));
        }
        return known;
    }

    /** An interpreter result (float64) rounded to its dtype, as a backend would store it. */
    private static NdArray round(NdArray a) {
        if (!a.dtype().isFloat()) {
            return a;
        }
        NdArray r = NdArray.zeros(a.dtype(), a.shape());
        for (int i = 0; i < a.size(); i++) {
            r.set(i, a.dtype().round(a.get(i)));
        }
        return r;
    }

    private static Value constant(GraphBuilder builder, NdArray a) {
        return builder.constant(a.type(), a.toDoubles());
    }

    /** {@code o} as a value of the graph: small contents as a constant, weights as a parameter. */
    private Value materialize(Operand o) {
        if (o.value == null) {
            if (o.isSymbolic()) {
                throw new OnnxException("'" + o.name + "' is the shape " + o.dims
                        + " with symbolic elements; a graph output or data operand must be a tensor");
            }
            NdArray a = o.data;
            if (a.dtype().isFloat() && a.size() > CONSTANT_LIMIT) {
                String n = fresh(o.name);
                o.value = b.parameter(n, a.type());
                weights.put(n, a);
            } else {
                o.value = constant(b, a);
            }
        }
        return o.value;
    }
}
