package dev.javelin.passes.simplify;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphEditor;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.interp.InterpreterException;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.Pass;
import dev.javelin.passes.pipeline.PassContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Constant folding. Guarantees: a node whose operands are all constants becomes a constant of the
 * same name, type and source location holding exactly the value the reference interpreter computes
 * for it, when
 *
 * <ul>
 *   <li>the op is pure and not a generator: inputs, parameters, assigns, random ops and iota are
 *       never folded (a generator is cheaper to run than to store, and has no constant operand);
 *   <li>the result is small: at most {@code maxElements} elements, except that elementwise ops over
 *       splats and reshape/permute/broadcast/slice of a splat fold to a splat of any size (a splat
 *       is stored as one value);
 *   <li>the result is exact in its dtype: the interpreter computes floats in float64, and a folded
 *       f32 (f16, bf16) constant would round; the fold is skipped unless every value is exactly
 *       representable, so folding never changes what the interpreter gives (i64 likewise up to 2^53);
 *   <li>evaluation succeeds: an integer division by zero or an index out of range is left for run
 *       time to report.
 * </ul>
 *
 * All-equal results are stored as splats. Counters: {@code folded}, and {@code skipped-large},
 * {@code skipped-inexact}, {@code skipped-error} for folds not done.
 */
public final class ConstantFolding implements Pass {
    /** The default bound on a folded non-splat constant's element count. */
    public static final int DEFAULT_MAX_ELEMENTS = 4096;

    private final int maxElements;

    public ConstantFolding() {
        this(DEFAULT_MAX_ELEMENTS);
    }

    public ConstantFolding(int maxElements) {
        if (maxElements < 1) {
            throw new IllegalArgumentException("maxElements must be at least 1, found " + maxElements);
        }
        this.maxElements = maxElements;
    }

    @Override
    public String name() {
        return "fold-constants";
    }

    @Override
    public Graph run(Graph g, PassContext ctx) {
        GraphEditor current = new GraphEditor();
        boolean changed = false;
        for (Node n : g.nodes()) {
            Node folded = foldable(n, current) ? fold(n, current, ctx) : n;
            changed |= folded != n;
            current.add(folded);
        }
        return changed ? current.build(g.name(), g.outputs()) : g;
    }

    private static boolean foldable(Node n, GraphEditor current) {
        Op op = n.op();
        if (n.inputs().isEmpty()
                || op instanceof Assign
                || op instanceof RandomOp
                || !n.type().shape().isStatic()) {
            return false;
        }
        return n.inputs().stream().allMatch(i -> current.get(i).op() instanceof Constant);
    }

    private Node fold(Node n, GraphEditor current, PassContext ctx) {
        List<Node> operands = n.inputs().stream().map(current::get).toList();
        List<OptionalDouble> splats = operands.stream().map(Match::splatOf).toList();
        boolean allSplats = splats.stream().allMatch(OptionalDouble::isPresent);
        Constant value;
        try {
            if (allSplats && isMovement(n.op())) {
                value = Constant.scalar(n.type(), splats.getFirst().getAsDouble());
            } else if (allSplats && isElementwise(n.op())) {
                value = splatResult(n, operands, splats);
            } else if (n.type().shape().numel() <= maxElements) {
                value = evaluate(n, operands);
            } else {
                ctx.count("skipped-large");
                return n;
            }
        } catch (InterpreterException e) {
            ctx.count("skipped-error");
            return n;
        }
        if (value == null) {
            ctx.count("skipped-inexact");
            return n;
        }
        ctx.count("folded");
        return new Node(n.name(), value, List.of(), n.type(), n.loc());
    }

    private static boolean isMovement(Op op) {
        return op instanceof Reshape || op instanceof Permute || op instanceof Broadcast || op instanceof Slice;
    }

    private static boolean isElementwise(Op op) {
        return op instanceof Unary || op instanceof Binary || op instanceof Select || op instanceof Cast;
    }

    /** The op evaluated once on scalars, as a splat of the node's type; null if not exact. */
    private static Constant splatResult(Node n, List<Node> operands, List<OptionalDouble> splats) {
        List<Node> scalars = new ArrayList<>();
        for (int i = 0; i < operands.size(); i++) {
            TensorType t = TensorType.scalar(operands.get(i).type().dtype());
            scalars.add(new Node("a" + i, Constant.scalar(t, splats.get(i).getAsDouble()), List.of(), t));
        }
        TensorType scalarType = TensorType.scalar(n.type().dtype());
        NdArray r = run(n.op(), scalars, scalarType);
        return exact(n.type(), r) ? Constant.scalar(n.type(), element(r, 0)) : null;
    }

    /** The node evaluated on its constant operands; null if not exact. */
    private static Constant evaluate(Node n, List<Node> operands) {
        List<Node> args = new ArrayList<>();
        for (int i = 0; i < operands.size(); i++) {
            Node o = operands.get(i);
            args.add(new Node("a" + i, o.op(), List.of(), o.type()));
        }
        NdArray r = run(n.op(), args, n.type());
        if (!exact(n.type(), r)) {
            return null;
        }
        double[] values = new double[r.size()];
        boolean same = true;
        for (int i = 0; i < values.length; i++) {
            values[i] = element(r, i);
            same &= Double.compare(values[i], values[0]) == 0;
        }
        return new Constant(n.type(), same && values.length > 0 ? new double[] {values[0]} : values);
    }

    private static NdArray run(Op op, List<Node> args, TensorType type) {
        List<Node> nodes = new ArrayList<>(args);
        nodes.add(new Node("y", op, args.stream().map(Node::name).toList(), type));
        Graph g = new Graph("fold", nodes, List.of(new Output("y", "y")));
        return Interpreter.run(g, Map.of()).outputs().get("y");
    }

    private static double element(NdArray r, int i) {
        return r.dtype().isInteger() ? (double) r.getLong(i) : r.get(i);
    }

    /** Whether every value of {@code r} is held exactly by a constant of {@code type}. */
    private static boolean exact(TensorType type, NdArray r) {
        DType d = type.dtype();
        for (int i = 0; i < r.size(); i++) {
            if (d.isInteger()) {
                long v = r.getLong(i);
                if ((long) (double) v != v) {
                    return false;
                }
            } else if (Double.compare(d.round(r.get(i)), r.get(i)) != 0) {
                return false;
            }
        }
        return true;
    }
}
