package dev.javelin.ir.graph;

import dev.javelin.ir.op.Op;
import dev.javelin.ir.type.TensorType;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One SSA value: {@code name = op(inputs) : type}. Inputs are the names of earlier nodes of the same
 * graph. For inputs and parameters the name is also the feed name or the parameter path.
 */
public record Node(String name, Op op, List<String> inputs, TensorType type, SourceLoc loc) {
    /** Names: identifiers that may contain dots (parameter paths), or plain numbers. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*|[0-9]+");

    public Node {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "node name must be an identifier (letters, digits, '_', '.') or a number, got '" + name + "'");
        }
        if (op == null || type == null) {
            throw new IllegalArgumentException("node " + name + " needs an op and a type");
        }
        inputs = List.copyOf(inputs);
        loc = loc == null ? SourceLoc.UNKNOWN : loc;
    }

    public Node(String name, Op op, List<String> inputs, TensorType type) {
        this(name, op, inputs, type, SourceLoc.UNKNOWN);
    }
}
