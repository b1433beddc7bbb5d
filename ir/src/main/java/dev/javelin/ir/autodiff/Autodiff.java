package dev.javelin.ir.autodiff;

import dev.javelin.ir.IrException;
import dev.javelin.ir.graph.DefUse;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.SourceLoc;
import dev.javelin.ir.graph.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

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
 * <p>Every node made for the gradient of forward node N, a user override's included, is located at
 * N's line with the backward flag ({@link SourceLoc#toBackward}); a sum of gradients at the line of
 * the value whose gradient it sums; the zeros of a {@code wrt} value the loss does not depend on at
 * that value's line.
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
        return run(b, loss, null, wrt, Map.of());
    }

    /**
     * As {@link #gradients(GraphBuilder, Value, List)}, with user-given gradients for some values
     * ({@code overrides}, by node name): such a value counts as a function of its override's inputs
     * only, and its override's backward replaces the rules of the nodes that computed it.
     */
    public static List<Value> gradients(
            GraphBuilder b, Value loss, List<Value> wrt, Map<String, GradientOverride> overrides) {
        if (loss.type().rank() != 0 || !loss.type().dtype().isFloat()) {
            throw new IrException("Autodiff.gradients: the loss must be a scalar float (rank 0), found %" + loss.name()
                    + " : " + loss.type());
        }
        return run(b, loss, null, wrt, overrides);
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
        return run(b, loss, seed, wrt, Map.of());
    }

    private static List<Value> run(
            GraphBuilder b, Value loss, Value seed, List<Value> wrt, Map<String, GradientOverride> overrides) {
        List<Node> nodes = List.copyOf(b.nodes());
        DefUse index = DefUse.of(nodes);
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
        Edges edges = new Edges(nodes, index, overrides);
        boolean[] onPath = onPath(nodes, edges, targets, lossAt);
        Emit e = new Emit(b);
        Grads grads = new Grads(e, nodes, index);
        if (onPath[lossAt]) {
            grads.put(
                    loss.name(),
                    seed != null
                            ? seed
                            : at(nodes.get(lossAt), () -> e.scalar(loss.type().dtype(), 1)));
        }
        for (int i = lossAt; i >= 0; i--) {
            if (onPath[i]) {
                Node n = nodes.get(i);
                GradientOverride o = overrides.get(n.name());
                int k = i;
                at(n, () -> {
                    if (o != null) {
                        overridden(b, n, o, edges.of(k), onPath, grads);
                    } else {
                        backward(b, e, nodes, k, index, onPath, grads);
                    }
                    return null;
                });
            }
        }
        List<Value> out = new ArrayList<>();
        for (Value w : wrt) {
            Value g = grads.get(w.name());
            out.add(g != null ? g : at(nodes.get(index.indexOf(w.name())), () -> e.zeros(w.type())));
        }
        return out;
    }

    /**
     * Runs {@code op} with every node it adds located at {@code n}'s line, marked backward: the
     * gradient's nodes are built here, long after (and far from) the user's call that made {@code
     * n}, so the stack would name whoever asked for the gradient (a CLI, a trainer).
     */
    private static <T> T at(Node n, Supplier<T> op) {
        return SourceLoc.callAt(n.loc().toBackward(), op::get);
    }

    /**
     * The gradient of each value so far, by name. A value used several times sums its gradients
     * with an {@code add} located at the value's own node, whichever consumer's rule gave the term.
     */
    private record Grads(Emit e, List<Node> nodes, DefUse index, Map<String, Value> byName) {
        Grads(Emit e, List<Node> nodes, DefUse index) {
            this(e, nodes, index, new HashMap<>());
        }

        Value get(String name) {
            return byName.get(name);
        }

        void put(String name, Value g) {
            byName.put(name, g);
        }

        void add(String name, Value g) {
            Value before = byName.get(name);
            byName.put(name, before == null ? g : at(nodes.get(index.indexOf(name)), () -> e.add(before, g)));
        }
    }

    /**
     * Marks the nodes on a gradient-carrying path from a target to the loss: first everything the
     * targets reach (forward), then, of those, everything the loss reaches back (reverse).
     */
    private static boolean[] onPath(List<Node> nodes, Edges edges, Set<String> targets, int lossAt) {
        boolean[] reached = new boolean[nodes.size()];
        for (int i = 0; i <= lossAt; i++) {
            reached[i] = targets.contains(nodes.get(i).name());
            for (int[] edge : edges.of(i)) {
                reached[i] |= reached[edge[1]]
                        && edges.carries(i, edge[0], nodes.get(edge[1]).type());
            }
        }
        boolean[] onPath = new boolean[nodes.size()];
        onPath[lossAt] = reached[lossAt];
        for (int i = lossAt; i >= 0; i--) {
            if (!onPath[i]) {
                continue;
            }
            for (int[] edge : edges.of(i)) {
                if (reached[edge[1]]
                        && edges.carries(i, edge[0], nodes.get(edge[1]).type())) {
                    onPath[edge[1]] = true;
                }
            }
        }
        return onPath;
    }

    /**
     * The operand edges autodiff follows: a node's inputs, except that an overridden value's
     * operands are its override's inputs. Each edge is {operand position, node index}.
     */
    private record Edges(List<Node> nodes, DefUse index, Map<String, GradientOverride> overrides) {
        List<int[]> of(int i) {
            Node n = nodes.get(i);
            GradientOverride o = overrides.get(n.name());
            List<String> ins = o == null
                    ? n.inputs()
                    : o.inputs().stream().map(Value::name).toList();
            List<int[]> out = new ArrayList<>();
            for (int k = 0; k < ins.size(); k++) {
                int j = index.indexOf(ins.get(k));
                if (j < 0 || j >= i) {
                    throw new IrException("Autodiff.gradients: the override of %" + n.name() + " names input %"
                            + ins.get(k) + ", which is not defined before it");
                }
                out.add(new int[] {k, j});
            }
            return out;
        }

        boolean carries(int i, int k, dev.javelin.ir.type.TensorType operand) {
            Node n = nodes.get(i);
            return overrides.containsKey(n.name()) ? operand.dtype().isFloat() : Rules.carries(n, k, operand);
        }
    }

    /** A user-given backward: the value's gradient in, one gradient per override input out. */
    private static void overridden(
            GraphBuilder b, Node n, GradientOverride o, List<int[]> edges, boolean[] onPath, Grads grads) {
        Value g = grads.get(n.name());
        List<Value> given = o.backward().apply(b, g);
        if (given.size() != o.inputs().size()) {
            throw new IrException("the backward of %" + n.name() + " gave " + given.size() + " gradients for "
                    + o.inputs().size() + " inputs");
        }
        for (int k = 0; k < given.size(); k++) {
            Value in = o.inputs().get(k);
            Value gk = given.get(k);
            if (gk == null || !onPath[edges.get(k)[1]] || !in.type().dtype().isFloat()) {
                continue;
            }
            if (!gk.type().equals(in.type())) {
                throw new IrException("the backward of %" + n.name() + " gave " + gk.type() + " for input %" + in.name()
                        + " : " + in.type() + "; a gradient must have its input's type");
            }
            grads.add(in.name(), gk);
        }
    }

    /** Runs one node's rule and adds what it gives to its operands' gradients. */
    private static void backward(
            GraphBuilder b, Emit e, List<Node> nodes, int pos, DefUse index, boolean[] onPath, Grads grads) {
        Node n = nodes.get(pos);
        boolean[] wanted = new boolean[n.inputs().size()];
        boolean any = false;
        List<Value> operands = new ArrayList<>();
        for (int k = 0; k < wanted.length; k++) {
            int j = index.indexOf(n.inputs().get(k));
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
                grads.add(operands.get(k).name(), given);
            }
        }
    }

    private static int position(GraphBuilder b, DefUse index, Value v, String what) {
        int i = index.indexOf(v.name());
        if (i < 0 || !b.nodes().get(i).type().equals(v.type())) {
            throw new IrException("Autodiff.gradients: the " + what + " %" + v.name() + " : " + v.type()
                    + " is not a value of graph " + b.name());
        }
        return i;
    }
}
