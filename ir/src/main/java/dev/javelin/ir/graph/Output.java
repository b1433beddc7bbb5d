package dev.javelin.ir.graph;

/** A named result of a graph: {@code output logits = %7}. */
public record Output(String name, String node) {
    public Output {
        if (name == null || !Node.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("output name must be an identifier, got '" + name + "'");
        }
        if (node == null) {
            throw new IllegalArgumentException("output " + name + " needs a node");
        }
    }
}
