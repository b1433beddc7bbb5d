package dev.javelin.ir.autodiff;

import dev.javelin.ir.IrException;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation as a graph transformation: the gradient is more graph,
 * appended to the same builder, so it is optimized, fused and compiled together with the forward
 * pass (and the optimizer update) as one training step.
 *
 * <p>The walk visits the forward nodes in reverse definition order (a reverse topological order) and
 * asks each node's rule ({@link Rules}) for its operands' gradients, given the gradient of its
 * result; a value used several times sums its gradients with {@code add}. Only nodes on a path from
 * a {@code wrt} value to the loss are visited, and a rule builds gradients only for operands on such
 * a path, so no dead node is added: every new node feeds a returned gradient. Gradients flow only
 * through float values (see {@link Rules#carries}). A {@code wrt} value the loss does not depend on
 * gets zeros. Symbolic dimensions stay symbolic: every gradient has exactly its {@code wrt} value's
 * type.
 *
 * <p>Conventions where the derivative is not unique: {@code max}/{@code min} and {@code
 * reduce_max}/{@code reduce_min} split ties equally; {@code abs} has derivative 0 at 0; {@code pow}'s
 * exponent gradient is 0 where the base is {@code <= 0}; sign, floor and ceil have derivative 0;
 * {@code assign} passes its gradient to the new value only; max pooling sends a window's gradient to
 * its first maximum. The gradients of the gradient primitives themselves ({@code
 * conv2d_backprop_input}, {@code conv2d_backprop_filter}, {@code *_pool2d_backprop}) are not
 * supported: second-order derivatives through convolution and pooling fail with an {@link
 * IrException}.
 */
public final class Autodiff {
    private Autodiff() {}

    /**
     * Appends to {@code b} the nodes that compute {@code d(loss)/d(w)} for each {@code w} of {@code
     * wrt}, and returns those gradients in order, each of exactly its {@code w}'s type.
     *
     * @param loss a scalar (rank 0) float value of {@code b}
     * @param wrt float values of {@code b}: inputs, parameters or intermediate values
     * @throws IrException if the loss is not a scalar float or a {@code wrt} value is not a float
     */
    public static List<Value> gradients(GraphBuilder b, Value loss, List<Value> wrt) {
        if (loss.type().rank() != 0 || !loss.type().dtype().isFloat()) {
            throw new IrException("Autodiff.gradients: the loss must be a scalar float (rank 0), found %"
                    + loss.name() + " : " + loss.type()
                    + " (reduce it to a scalar, or pass a seed for a vector-Jacobian product)");
        }
        return run(b, loss, null, wrt);
    }

    /**
     * The vector-Jacobian product: as {@link #gradients(GraphBuilder, Value, List)} with {@code seed}
     * as the gradient of {@code loss}, which may have any float type; {@code seed} must be a value of
     * {@code b} with the loss's type.
     */
    public static List<Value> gradients(GraphBuilder b, Value loss, Value seed, List<Value> wrt) {
        if (!loss.type().dtype().isFloat()) {
            throw new IrException("Autodiff.gradients: the output must be a float value, found %" + loss.name() + " : "
                    + loss.type());
        }
        if (!seed.type().equals(loss.type())) {
            throw new IrException("Autodiff.gradients: the seed must have the output's type " + loss.type()
                    + ", found %" + seed.name() + " : " + seed.type());
        }
        return run(b, loss, seed, wrt);
    }

    private static List<Value> run(GraphBuilder b, Value loss, Value seed, List<Value> wrt) {
        List<Node> nodes = List.copyOf(b.nodes());
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i).name(), i);
        }
        int lossAt = position(b, index, loss, "loss");
        if (seed != null) {
            position(b, index, seed, "seed");
        }
        Set<String> targets = new HashSet<>();
        for (Value w : wrt) {
            position(b, index, w, "wrt value");
            if (!w.type().dtype().isFloat()) {
                throw new IrException("Autodiff.gradients: a wrt value must be a float tensor, found %" + w.name()
                        + " : " + w.type() + " (integer and bool values have no gradient)");
            }
            targets.add(w.name());
        }
        boolean[] onPath = onPath(nodes, index, targets, lossAt);
        Emit e = new Emit(b);
        Map<String, Value> grads = new LinkedHashMap<>();
        if (onPath[lossAt]) {
            grads.put(loss.name(), seed != null ? seed : e.scalar(loss.type().dtype(), 1));
        }
        for (int i = lossAt; i >= 0; i--) {
            if (onPath[i]) {
                backward(b, e, nodes, i, index, onPath, grads);
            }
        }
        List<Value> out = new ArrayList<>();
        for (Value w : wrt) {
            out.add(grads.computeIfAbsent(w.name(), k -> e.zeros(w.type())));
        }
        return out;
    }

    /**
     * Marks the nodes on a gradient-carrying path from a target to the loss: first everything the
     * targets reach (forward), then, of those, everything the loss reaches back (reverse).
     */
    private static boolean[] onPath(List<Node> nodes, Map<String, Integer> index, Set<String> targets, int lossAt) {
        boolean[] reached = new boolean[nodes.size()];
        for (int i = 0; i <= lossAt; i++) {
            Node n = nodes.get(i);
            reached[i] = targets.contains(n.name());
            for (int k = 0; k < n.inputs().size() && !reached[i]; k++) {
                int j = index.get(n.inputs().get(k));
                reached[i] = reached[j] && Rules.carries(n, k, nodes.get(j).type());
            }
        }
        boolean[] onPath = new boolean[nodes.size()];
        onPath[lossAt] = reached[lossAt];
        for (int i = lossAt; i >= 0; i--) {
            Node n = nodes.get(i);
            for (int k = 0; k < n.inputs().size() && onPath[i]; k++) {
                int j = index.get(n.inputs().get(k));
                if (reached[j] && Rules.carries(n, k, nodes.get(j).type())) {
                    onPath[j] = true;
                }
            }
        }
        return onPath;
    }

    /** Runs one node's rule and adds what it gives to its operands' gradients. */
    private static void backward(
            GraphBuilder b,
            Emit e,
            List<Node> nodes,
            int at,
            Map<String, Integer> index,
            boolean[] onPath,
            Map<String, Value> grads) {
        Node n = nodes.get(at);
        boolean[] wanted = new boolean[n.inputs().size()];
        boolean any = false;
        List<Value> operands = new ArrayList<>();
        for (int k = 0; k < wanted.length; k++) {
            int j = index.get(n.inputs().get(k));
            Value v = b.value(nodes.get(j));
            operands.add(v);
            wanted[k] = onPath[j] && Rules.carries(n, k, v.type());
            any |= wanted[k];
        }
        if (!any) {
            return; // a wrt value's own inputs lead to no other wrt value
        }
        Value g = grads.get(n.name());
        if (g == null) {
            throw new IllegalStateException(
                    "autodiff bug: node %" + n.name() + " is on a path to the loss but got" + " no gradient");
        }
        Backward c = new Backward(e, n, b.value(n), g, operands, wanted);
        Rules.apply(c);
        for (int k = 0; k < wanted.length; k++) {
            Value given = c.given(k);
            if (given != null) {
                grads.merge(operands.get(k).name(), given, e::add);
            }
        }
    }

    private static int position(GraphBuilder b, Map<String, Integer> index, Value v, String what) {
        Integer i = index.get(v.name());
        if (i == null || !b.nodes().get(i).type().equals(v.type())) {
            throw new IrException("Autodiff.gradients: the " + what + " %" + v.name() + " : " + v.type()
                    + " is not a value of graph " + b.name());
        }
        return i;
    }
}
