package dev.javelin.ir.interp;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.ImageOp;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Pad;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.Pool2dBackprop;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.value.NdArray;
import dev.javelin.ir.verify.Verifier;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference interpreter: runs a graph on host arrays, one obviously correct loop nest per
 * primitive. It is the oracle every backend is tested against, so it favours clarity over speed,
 * and its semantics below are the ones every backend implements.
 *
 * <p><b>Running.</b> The graph is verified first. Every input and parameter must be fed, by node
 * name, and nothing else; a feed must have the declared dtype and rank and the declared size on
 * every static axis. Symbolic dimensions (such as {@code batch}) are bound from the feeds and must
 * bind to the same size everywhere; every node's shape is its declared type with the bound sizes
 * substituted. Nodes run in definition order. Outputs come back by output name, in output order;
 * each {@code assign} reports the new value of its parameter by parameter name, while every read of
 * the parameter in the same run sees the fed (old) value. Feeds are copied, never modified.
 *
 * <p><b>Numbers.</b>
 *
 * <ul>
 *   <li>Floats are computed in float64 whatever the declared float dtype (f32, f16, bf16 included):
 *       the interpreter is the ideal that backends approach within a tolerance. Casts between
 *       float dtypes therefore keep the value.
 *   <li>Integers are exact (longs); i32 results wrap to 32 bits and i64 results to 64, as two's
 *       complement hardware does. Integer division truncates toward zero; dividing by zero is an
 *       error naming the node (hardware would trap or return garbage), and MIN / -1 wraps to MIN.
 *   <li>Bools are 0 and 1.
 *   <li>max and min, elementwise and as reductions (and max pooling), propagate NaN, like
 *       torch.maximum (not like C's fmax); -0.0 counts below +0.0. argmax treats NaN as the largest
 *       value and returns the first index on ties. Comparisons with NaN are false, except ne.
 *   <li>pow follows C99 (as CUDA and torch.pow do): pow(1, y) = 1 and pow(-1, ±inf) = 1, where
 *       Java's Math.pow gives NaN; everything else as Math.pow.
 *   <li>sigmoid is {@code 1/(1+exp(-x))} for x >= 0 and {@code exp(x)/(1+exp(x))} below, so exp
 *       never overflows; rsqrt is {@code 1/sqrt(x)}; sign(±0) = ±0 and sign(NaN) = NaN; erf is
 *       Cody's rational approximation (relative error below 1e-15); the other functions are
 *       java.lang.Math's (log(0) = -inf, log(-1) = NaN, sqrt(-1) = NaN).
 *   <li>Cast: float to integer truncates toward zero and saturates at the target's range, NaN
 *       giving 0 (Java's narrowing rules); integer to integer wraps; anything to bool is {@code !=
 *       0} (NaN is true); bool to a number is 0 or 1.
 *   <li>Sums (reductions, matmul, conv2d, avg pooling) accumulate in float64 in ascending index
 *       order, from 0. A reduction over an empty axis is the identity: 0 for sum, -inf for max and
 *       +inf for min (an integer dtype's minimum and maximum). A matmul with K = 0 is zeros.
 *   <li>Conv2d is cross-correlation in NCHW/OIHW with zero padding (top, bottom, left, right),
 *       stride, dilation and groups. Max pooling pads with -inf; average pooling divides the window
 *       sum by kh*kw, counting padding as zeros.
 *   <li>The gradients of conv2d and pooling scatter each output gradient back over the forward
 *       window's taps (padding receives nothing); max pooling's goes to the first position holding
 *       the window's maximum (a NaN counts as the maximum), as in PyTorch.
 *   <li>Gather and scatter-add indices must lie in {@code [0, size)} (no negative indexing): an
 *       index outside is an error naming the node, the index and its position. Scatter-add adds
 *       the updates in C order, so repeated indices accumulate.
 *   <li>Pad fills with its value (truncated toward zero for integers, {@code != 0} for bools).
 *   <li>Random ops: element i (C order) is {@link dev.javelin.ir.random.Philox}'s recipe for
 *       {@code (seed, offset, i)}, the offset being the optional i64 scalar operand, 0 without it.
 * </ul>
 *
 * Errors about feeds and values are {@link InterpreterException}s with one-line messages; a graph
 * that does not verify is a {@link dev.javelin.ir.verify.VerifyException}.
 */
public final class Interpreter {
    private Interpreter() {}

    /**
     * What a run gives back: the graph's outputs by name, in output order, and the new value of
     * each assigned parameter by parameter name, in the order of the assigns. Treat the arrays as
     * read-only; two outputs naming the same node share one array.
     */
    public record Result(Map<String, NdArray> outputs, Map<String, NdArray> updatedParameters) {
        public Result {
            outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
            updatedParameters = Collections.unmodifiableMap(new LinkedHashMap<>(updatedParameters));
        }
    }

    /**
     * The size of every symbolic dimension that {@code feeds} bind, after the checks {@link #run}
     * makes: a feed for every input and parameter and for nothing else, each of its node's dtype and
     * shape, one size per symbol. For a compiled backend that must learn its sizes from the same feeds.
     */
    public static Map<String, Long> bindSymbols(Graph g, Map<String, NdArray> feeds) {
        return Feeds.bind(g, feeds);
    }

    /** Runs {@code g} on {@code feeds} (one per input and parameter, by node name). */
    public static Result run(Graph g, Map<String, NdArray> feeds) {
        Verifier.verify(g);
        Map<String, Long> symbols = Feeds.bind(g, feeds);
        Map<String, NdArray> values = new HashMap<>();
        Map<String, NdArray> updated = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            List<NdArray> args = n.inputs().stream().map(values::get).toList();
            NdArray out = Allocation.zeros(n, Feeds.shapeOf(n, symbols));
            NdArray v = evaluate(n, args, out, feeds);
            if (v.dtype() != out.dtype() || !Arrays.equals(v.shape(), out.shape())) {
                throw new IllegalStateException("interpreter bug: node %" + n.name() + " (" + n.op().mnemonic()
                        + ") gave " + v.type() + ", its type says " + out.type());
            }
            values.put(n.name(), v);
            if (n.op() instanceof Assign) {
                updated.put(n.inputs().get(0), v);
            }
        }
        Map<String, NdArray> outputs = new LinkedHashMap<>();
        for (Output o : g.outputs()) {
            outputs.put(o.name(), values.get(o.node()));
        }
        return new Result(outputs, updated);
    }

    /**
     * One node's value from its operands' values, outside a graph run (the plan interpreter
     * evaluates kernel bodies with it); {@code symbols} binds the symbolic dimensions of the node's
     * type. The semantics are {@link #run}'s. An input or parameter has no value here.
     */
    public static NdArray evaluate(Node n, List<NdArray> operands, Map<String, Long> symbols) {
        if (n.op() instanceof Input || n.op() instanceof Parameter) {
            throw InterpreterException.at(n, "a placeholder has a value only in a run, from its feed");
        }
        if (operands.size() != n.inputs().size()) {
            throw InterpreterException.at(
                    n, "expected " + n.inputs().size() + " operand values, found " + operands.size());
        }
        NdArray out = Allocation.zeros(n, Feeds.shapeOf(n, symbols));
        NdArray v = evaluate(n, operands, out, Map.of());
        if (v.dtype() != out.dtype() || !Arrays.equals(v.shape(), out.shape())) {
            throw InterpreterException.at(n, "expected a value of type " + out.type() + ", found " + v.type());
        }
        return v;
    }

    /** One node's value; {@code out} is a zero array of the node's dtype and concrete shape. */
    private static NdArray evaluate(Node n, List<NdArray> a, NdArray out, Map<String, NdArray> feeds) {
        if (n.op() instanceof ImageOp img && img.layout() != Layout.NCHW) {
            return throughNchw(n, img, a, out);
        }
        return switch (n.op()) {
            case Unary u -> Elementwise.unary(u.fn(), a.get(0), out);
            case Binary b -> Elementwise.binary(n, b.fn(), a.get(0), a.get(1), out);
            case Select s -> Elementwise.select(a.get(0), a.get(1), a.get(2), out);
            case Cast c -> Elementwise.cast(a.get(0), out);
            case Reduce r -> Reductions.reduce(r, a.get(0), out);
            case ArgMax m -> Reductions.argmax(n, m, a.get(0), out);
            case Reshape r -> Movement.reshape(a.get(0), out);
            case Permute p -> Movement.permute(p, a.get(0), out);
            case Broadcast b -> Movement.broadcast(a.get(0), out);
            case Slice s -> Movement.slice(s, a.get(0), out);
            case Pad p -> Movement.pad(p, a.get(0), out);
            case Concat c -> Movement.concat(c, a, out);
            case MatMul m -> Contractions.matmul(m, a.get(0), a.get(1), out);
            case Conv2d c -> Contractions.conv2d(c, a.get(0), a.get(1), out);
            case Pool2d p -> Contractions.pool2d(p, a.get(0), out);
            case Conv2dBackpropInput c -> WindowGradients.conv2dBackpropInput(c, a.get(0), a.get(1), out);
            case Conv2dBackpropFilter c -> WindowGradients.conv2dBackpropFilter(c, a.get(0), a.get(1), out);
            case Pool2dBackprop p -> WindowGradients.pool2dBackprop(p, a.get(0), a.get(1), out);
            case Gather g -> Indexing.gather(n, g, a.get(0), a.get(1), out);
            case ScatterAdd s -> Indexing.scatterAdd(n, s, a.get(0), a.get(1), a.get(2), out);
            case Iota i -> Indexing.iota(i, out);
            case RandomOp r -> Indexing.random(r, a.isEmpty() ? 0 : a.get(0).getLong(0), out);
            // Copied so that no result aliases a caller's array.
            case Input _, Parameter _ -> Index.copyOf(feeds.get(n.name()));
            case Constant c -> constant(c, out);
            // The node's value is the new value; the parameter's node keeps the old one.
            case Assign as -> a.get(1);
        };
    }

    /** An NHWC image op: its NCHW twin on the operands permuted to NCHW, the result permuted back. */
    private static NdArray throughNchw(Node n, ImageOp img, List<NdArray> a, NdArray out) {
        Layout l = img.layout();
        List<NdArray> nchw = a.stream()
                .map(x -> x.rank() == 4 ? Movement.permute(new Permute(l.toNchw()), x, permuted(x, l.toNchw())) : x)
                .toList();
        long[] shape = out.shape();
        NdArray result = NdArray.zeros(out.dtype(), permutedShape(shape, l.toNchw()));
        Node twin = new Node(n.name(), img.inNchw(), n.inputs(), n.type(), n.loc());
        NdArray r = evaluate(twin, nchw, result, Map.of());
        return Movement.permute(new Permute(l.fromNchw()), r, out);
    }

    private static NdArray permuted(NdArray x, List<Integer> perm) {
        return NdArray.zeros(x.dtype(), permutedShape(x.shape(), perm));
    }

    private static long[] permutedShape(long[] shape, List<Integer> perm) {
        long[] out = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            out[d] = shape[perm.get(d)];
        }
        return out;
    }

    private static NdArray constant(Constant c, NdArray out) {
        for (int i = 0; i < out.size(); i++) {
            if (out.dtype().isInteger()) {
                out.setLong(i, (long) c.value(i));
            } else {
                out.set(i, c.value(i));
            }
        }
        return out;
    }
}
