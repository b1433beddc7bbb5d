package dev.javelin.onnx;

import dev.javelin.onnx.proto.Onnx.AttributeProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The ONNX ops the importer converts, each with the attributes it understands. */
final class Ops {
    private Ops() {}

    /** Converts one node into graph nodes (or known contents); one operand per ONNX output it gives. */
    interface Converter {
        List<Operand> convert(OnnxNode n);
    }

    /** An op: its name, the attributes it accepts (any other is an error) and its converter. */
    record Spec(String op, Set<String> attributes, Converter converter) {}

    /** The ops through which a shape with symbolic elements is folded at import time. */
    static final String SHAPE_FOLDING = "Shape, Gather, Unsqueeze, Squeeze, Concat, Cast, Slice, Identity";

    /** The operands that accept such a shape. */
    static final String SHAPE_CONSUMERS = "Reshape, Expand, ConstantOfShape, Range and Slice";

    /** The opsets of the default domain the importer accepts. */
    static final int MIN_OPSET = 7;

    static final int MAX_OPSET = 21;

    private static final Map<String, Spec> SPECS = new TreeMap<>();

    /** The opset that introduced each supported op newer than opset 7 (the oldest one imported). */
    private static final Map<String, Integer> SINCE = Map.ofEntries(
            Map.entry("Expand", 8),
            Map.entry("ConstantOfShape", 9),
            Map.entry("Erf", 9),
            Map.entry("Where", 9),
            Map.entry("Resize", 10),
            Map.entry("Range", 11),
            Map.entry("GreaterOrEqual", 12),
            Map.entry("LessOrEqual", 12),
            Map.entry("HardSwish", 14),
            Map.entry("LayerNormalization", 17),
            Map.entry("Gelu", 20));

    static {
        ElementwiseOps.register();
        ShapeOps.register();
        NnOps.register();
        CnnOps.register();
        MoreOps.register();
        Reductions.register();
        ActivationOps.register();
    }

    static void add(String op, Set<String> attributes, Converter c) {
        SPECS.put(op, new Spec(op, attributes, c));
    }

    /** The names of the supported ops, sorted. */
    static Set<String> supported() {
        return new TreeSet<>(SPECS.keySet());
    }

    /** The spec of {@code node}'s op, after checking that the op and each of its attributes are supported. */
    static Spec spec(NodeProto node, int opset) {
        Spec s = SPECS.get(node.getOpType());
        if (s == null) {
            throw new OnnxException(OnnxNode.describe(node, opset) + ": op " + node.getOpType()
                    + " is not supported; supported ops: " + String.join(", ", supported()));
        }
        int since = SINCE.getOrDefault(node.getOpType(), MIN_OPSET);
        if (opset < since) {
            throw new OnnxException(OnnxNode.describe(node, opset) + ": op " + node.getOpType() + " is not in opset "
                    + opset + " (it was added in opset " + since + ")");
        }
        for (AttributeProto a : node.getAttributeList()) {
            if (!s.attributes().contains(a.getName())) {
                throw new OnnxException(OnnxNode.describe(node, opset) + ": attribute '" + a.getName()
                        + "' is not supported; " + node.getOpType() + " supports "
                        + (s.attributes().isEmpty()
                                ? "no attributes"
                                : String.join(", ", new TreeSet<>(s.attributes()))));
            }
        }
        return s;
    }
}
