package dev.javelin.passes.lower;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.Reshape;
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

    private static Op op(Node n, Map<String, Long> sizes) {
        return switch (n.op()) {
            case Input i -> new Input(type(n, i.type(), sizes));
            case Parameter p -> new Parameter(type(n, p.type(), sizes));
            case Iota i -> new Iota(type(n, i.type(), sizes), i.axis());
            case RandomOp r -> new RandomOp(r.distribution(), r.seed(), type(n, r.type(), sizes));
            case Reshape r -> new Reshape(shape(n, r.shape(), sizes));
            case Broadcast b -> new Broadcast(shape(n, b.shape(), sizes));
            case Conv2dBackpropInput c ->
                new Conv2dBackpropInput(
                        c.stride(), c.padding(), c.dilation(), c.groups(), shape(n, c.inputShape(), sizes), c.layout());
            default -> n.op();
        };
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
