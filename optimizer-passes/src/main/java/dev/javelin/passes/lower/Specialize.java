package dev.javelin.passes.lower;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.OpSchema;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.verify.Verifier;
import java.util.List;
import java.util.Map;

/**
 * Binds every symbolic dimension of a graph to a size (e.g. {@code batch} to the {@code --batch N}
 * of the command line): types and the shape attributes of ops become static. A plan is planned for
 * concrete sizes, so this runs first. The result is verified: every op re-infers its type.
 */
public final class Specialize {
    private Specialize() {}

    public static Graph graph(Graph g, Map<String, Long> sizes) {
        List<Node> nodes = g.nodes().stream()
                .map(n -> new Node(n.name(), op(n, sizes), n.inputs(), type(n, n.type(), sizes), n.loc()))
                .toList();
        Graph out = new Graph(g.name(), nodes, g.outputs());
        Verifier.verify(out);
        return out;
    }

    /** The op with the shapes it holds bound, found from its declaration ({@link OpSchema}). */
    private static Op op(Node n, Map<String, Long> sizes) {
        return OpSchema.mapShapes(n.op(), s -> shape(n, s, sizes));
    }

    private static TensorType type(Node n, TensorType t, Map<String, Long> sizes) {
        return t.withShape(shape(n, t.shape(), sizes));
    }

    private static Shape shape(Node n, Shape s, Map<String, Long> sizes) {
        return new Shape(s.dims().stream()
                .map(d -> switch (d) {
                    case Dim.Fixed f -> f;
                    case Dim.Sym sym -> {
                        Long v = sizes.get(sym.name());
                        if (v == null) {
                            throw new IllegalArgumentException("symbolic dimension '" + sym.name() + "' of %" + n.name()
                                    + " : " + n.type() + " has no size; expected one in " + sizes
                                    + " (e.g. --batch N)");
                        }
                        yield (Dim) new Dim.Fixed(v);
                    }
                })
                .toList());
    }
}
