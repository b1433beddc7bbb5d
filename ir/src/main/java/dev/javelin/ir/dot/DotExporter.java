package dev.javelin.ir.dot;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.text.Printer;

/**
 * Writes a graph as a Graphviz DOT digraph: one box per node (name, op, attributes, type), an edge
 * from each operand to its user, inputs, parameters and constants styled apart, outputs as their
 * own nodes, and each {@code assign} linked back to its parameter by a dashed edge. Deterministic,
 * so it can be golden-tested. Render with {@code dot -Tsvg graph.dot -o graph.svg}.
 */
public final class DotExporter {
    private static final int MAX_ATTRIBUTES = 60;

    private DotExporter() {}

    public static String toDot(Graph g) {
        StringBuilder b = new StringBuilder();
        b.append("digraph ").append(quote(g.name())).append(" {\n");
        b.append("  rankdir=TB;\n");
        b.append("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\","
                + " fontsize=10];\n");
        b.append("  edge [color=\"#555555\", arrowsize=0.6];\n");
        for (Node n : g.nodes()) {
            b.append("  ")
                    .append(id(n.name()))
                    .append(" [label=")
                    .append(quote(label(n)))
                    .append(style(n))
                    .append("];\n");
        }
        for (Node n : g.nodes()) {
            for (int i = 0; i < n.inputs().size(); i++) {
                String in = n.inputs().get(i);
                b.append("  ").append(id(in)).append(" -> ").append(id(n.name()));
                if (n.inputs().size() > 1) {
                    b.append(" [headlabel=").append(quote(Integer.toString(i))).append(", labelfontsize=8]");
                }
                b.append(";\n");
            }
            if (n.op() instanceof Assign && !n.inputs().isEmpty()) {
                b.append("  ")
                        .append(id(n.name()))
                        .append(" -> ")
                        .append(id(n.inputs().get(0)))
                        .append(" [style=dashed, color=\"#b03030\", constraint=false, label=\"updates\","
                                + " fontsize=8];\n");
            }
        }
        for (Output o : g.outputs()) {
            String oid = quote("output:" + o.name());
            b.append("  ")
                    .append(oid)
                    .append(" [label=")
                    .append(quote("output " + o.name()))
                    .append(", shape=oval, fillcolor=\"#fff2cc\"];\n");
            b.append("  ").append(id(o.node())).append(" -> ").append(oid).append(";\n");
        }
        return b.append("}\n").toString();
    }

    private static String label(Node n) {
        String attrs = Printer.attributes(n.op());
        if (attrs.length() > MAX_ATTRIBUTES) {
            attrs = attrs.substring(0, MAX_ATTRIBUTES - 3) + "...";
        }
        return "%" + n.name() + " = " + n.op().mnemonic() + (attrs.isEmpty() ? "" : "\n{" + attrs + "}") + "\n"
                + n.type();
    }

    private static String style(Node n) {
        return switch (n.op()) {
            case Input i -> ", shape=box, fillcolor=\"#dbe9f6\"";
            case Parameter p -> ", shape=box, fillcolor=\"#e2f0d9\"";
            case Constant c -> ", fillcolor=\"#eeeeee\"";
            case Assign a -> ", fillcolor=\"#f8d7da\"";
            default -> "";
        };
    }

    private static String id(String nodeName) {
        return quote("%" + nodeName);
    }

    /** A DOT quoted string: backslashes and quotes escaped, newlines as centred line breaks. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> {}
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
