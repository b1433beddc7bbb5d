package dev.javelin.onnx;

import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import dev.javelin.onnx.proto.Onnx.TensorShapeProto;
import dev.javelin.onnx.proto.Onnx.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an ONNX file holds, as {@code javelin onnx info} prints it: its inputs and outputs (names,
 * element types, dimensions), its opsets, how often each op occurs and whether Javelin supports it,
 * and whether the whole model imports.
 */
public final class OnnxInfo {
    private OnnxInfo() {}

    /**
     * The description of the model in {@code file}.
     *
     * @param file a {@code .onnx} file
     * @return several lines of text, each ending in a newline
     * @throws OnnxException if the file cannot be read or is not an ONNX model
     */
    public static String describe(Path file) {
        return describe(file, Map.of());
    }

    /**
     * The description of the model in {@code file}, its import checked with some dynamic dims fixed.
     *
     * @param file a {@code .onnx} file
     * @param dims sizes for dynamic dims by ONNX name, as {@link OnnxModel#load(Path, Map)} takes them
     * @return several lines of text, each ending in a newline
     * @throws OnnxException if the file cannot be read or is not an ONNX model
     */
    public static String describe(Path file, Map<String, Long> dims) {
        ModelProto m = OnnxModel.read(file);
        StringBuilder b = new StringBuilder();
        b.append("model: ").append(file.getFileName());
        if (!m.getProducerName().isEmpty()) {
            String version = m.getProducerVersion().isEmpty() ? "" : " " + m.getProducerVersion();
            b.append(" (").append(m.getProducerName()).append(version).append(')');
        }
        b.append("\nIR version: ").append(m.getIrVersion()).append("\nopsets: ");
        b.append(String.join(
                ", ",
                m.getOpsetImportList().stream()
                        .map(o -> (o.getDomain().isEmpty() ? "ai.onnx" : o.getDomain()) + " " + o.getVersion())
                        .toList()));
        b.append("\ninputs:\n");
        List<String> initializers = m.getGraph().getInitializerList().stream()
                .map(TensorProto::getName)
                .toList();
        for (ValueInfoProto v : m.getGraph().getInputList()) {
            if (!initializers.contains(v.getName())) {
                b.append("  ").append(value(v)).append('\n');
            }
        }
        b.append("outputs:\n");
        for (ValueInfoProto v : m.getGraph().getOutputList()) {
            b.append("  ").append(value(v)).append('\n');
        }
        long weights = m.getGraph().getInitializerList().stream()
                .mapToLong(t -> t.getDimsList().stream().reduce(1L, Math::multiplyExact))
                .sum();
        b.append("initializers: ")
                .append(initializers.size())
                .append(" (")
                .append(weights)
                .append(" values)\n");
        coverage(m, b);
        b.append("import: ").append(importResult(m, file, dims)).append('\n');
        return b.toString();
    }

    /** {@code name: type[dims]} with ONNX's element type name and named dims as written in the file. */
    private static String value(ValueInfoProto v) {
        if (!v.getType().hasTensorType()) {
            return v.getName() + ": (not a tensor)";
        }
        var t = v.getType().getTensorType();
        List<String> dims = new ArrayList<>();
        for (TensorShapeProto.Dimension d : t.getShape().getDimList()) {
            dims.add(d.hasDimValue() ? Long.toString(d.getDimValue()) : d.hasDimParam() ? d.getDimParam() : "?");
        }
        String type = Tensors.typeName(t.getElemType());
        return v.getName() + ": " + type.substring(0, type.indexOf(' ')) + (t.hasShape() ? dims.toString() : "[?]");
    }

    private static void coverage(ModelProto m, StringBuilder b) {
        Map<String, Integer> counts = new TreeMap<>();
        for (NodeProto n : m.getGraph().getNodeList()) {
            String op = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx")
                    ? n.getOpType()
                    : n.getDomain() + "." + n.getOpType();
            counts.merge(op, 1, Integer::sum);
        }
        int supported = 0;
        b.append("ops (").append(m.getGraph().getNodeCount()).append(" nodes):\n");
        for (var e : counts.entrySet()) {
            boolean ok = Ops.supported().contains(e.getKey());
            supported += ok ? 1 : 0;
            b.append(String.format(
                    Locale.ROOT, "  %-20s %6d  %s%n", e.getKey(), e.getValue(), ok ? "supported" : "NOT SUPPORTED"));
        }
        b.append("coverage: ")
                .append(supported)
                .append(" of ")
                .append(counts.size())
                .append(" op types supported\n");
    }

    /** Whether the model imports: the graph's size, or the first error (which names the node). */
    private static String importResult(ModelProto m, Path file, Map<String, Long> dims) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            OnnxModel model = OnnxModel.of(m, dir, file.getFileName().toString(), dims);
            return "ok (" + model.graph().nodes().size() + " graph nodes, "
                    + model.weights().size() + " weight tensors)";
        } catch (dev.javelin.ir.IrException e) {
            return "fails: " + e.getMessage();
        }
    }
}
