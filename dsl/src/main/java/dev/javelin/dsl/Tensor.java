package dev.javelin.dsl;

import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A tensor of a graph being traced. Every method records one primitive (or, for the few marked
 * composite, a fixed decomposition into primitives); shapes and dtypes are checked right here, so
 * a mismatch fails at the line of the user's code that caused it. Immutable.
 */
public final class Tensor {
    private final Net net;
    private final Value value;

    Tensor(Net net, Value value) {
        this.net = net;
        this.value = value;
    }

    public Net net() {
        return net;
    }

    public Value value() {
        return value;
    }

    public TensorType type() {
        return value.type();
    }

    public DType dtype() {
        return value.type().dtype();
    }

    public Shape shape() {
        return value.type().shape();
    }

    public int rank() {
        return value.type().rank();
    }

    private GraphBuilder b() {
        return net.builder();
    }

    private Tensor op(Op op, Tensor... operands) {
        Value[] vs = new Value[operands.length];
        for (int i = 0; i < vs.length; i++) {
            if (operands[i].net != net) {
                throw new IllegalArgumentException(op.mnemonic() + ": operand " + (i + 1) + " belongs to net '"
                        + operands[i].net.builder().name() + "', not '"
                        + net.builder().name() + "'");
            }
            vs[i] = operands[i].value;
        }
        return new Tensor(net, b().add(op, vs));
    }

    /** A scalar constant of this tensor's dtype. */
    public Tensor scalar(double v) {
        return net.scalar(v, dtype());
    }

    // Elementwise arithmetic (NumPy broadcasting).

    public Tensor add(Tensor o) {
        return op(new Binary(BinaryFn.ADD), this, o);
    }

    public Tensor add(double v) {
        return add(scalar(v));
    }

    public Tensor sub(Tensor o) {
        return op(new Binary(BinaryFn.SUB), this, o);
    }

    public Tensor sub(double v) {
        return sub(scalar(v));
    }

    public Tensor mul(Tensor o) {
        return op(new Binary(BinaryFn.MUL), this, o);
    }

    public Tensor mul(double v) {
        return mul(scalar(v));
    }

    public Tensor div(Tensor o) {
        return op(new Binary(BinaryFn.DIV), this, o);
    }

    public Tensor div(double v) {
        return div(scalar(v));
    }

    public Tensor pow(Tensor o) {
        return op(new Binary(BinaryFn.POW), this, o);
    }

    public Tensor pow(double v) {
        return pow(scalar(v));
    }

    /** Elementwise maximum (NaN propagates). */
    public Tensor max(Tensor o) {
        return op(new Binary(BinaryFn.MAX), this, o);
    }

    public Tensor max(double v) {
        return max(scalar(v));
    }

    public Tensor min(Tensor o) {
        return op(new Binary(BinaryFn.MIN), this, o);
    }

    public Tensor min(double v) {
        return min(scalar(v));
    }

    // Comparisons and logic (bool results).

    public Tensor eq(Tensor o) {
        return op(new Binary(BinaryFn.EQ), this, o);
    }

    public Tensor ne(Tensor o) {
        return op(new Binary(BinaryFn.NE), this, o);
    }

    public Tensor lt(Tensor o) {
        return op(new Binary(BinaryFn.LT), this, o);
    }

    public Tensor le(Tensor o) {
        return op(new Binary(BinaryFn.LE), this, o);
    }

    public Tensor gt(Tensor o) {
        return op(new Binary(BinaryFn.GT), this, o);
    }

    public Tensor gt(double v) {
        return gt(scalar(v));
    }

    public Tensor ge(Tensor o) {
        return op(new Binary(BinaryFn.GE), this, o);
    }

    public Tensor and(Tensor o) {
        return op(new Binary(BinaryFn.AND), this, o);
    }

    public Tensor or(Tensor o) {
        return op(new Binary(BinaryFn.OR), this, o);
    }

    public Tensor not() {
        return unary(UnaryFn.NOT);
    }

    /** {@code this ? a : b} elementwise; this must be bool. */
    public Tensor where(Tensor a, Tensor b) {
        return op(new Select(), this, a, b);
    }

    // Unary math.

    public Tensor unary(UnaryFn fn) {
        return op(new Unary(fn), this);
    }

    public Tensor neg() {
        return unary(UnaryFn.NEG);
    }

    public Tensor abs() {
        return unary(UnaryFn.ABS);
    }

    public Tensor exp() {
        return unary(UnaryFn.EXP);
    }

    public Tensor log() {
        return unary(UnaryFn.LOG);
    }

    public Tensor sqrt() {
        return unary(UnaryFn.SQRT);
    }

    public Tensor rsqrt() {
        return unary(UnaryFn.RSQRT);
    }

    public Tensor tanh() {
        return unary(UnaryFn.TANH);
    }

    public Tensor sigmoid() {
        return unary(UnaryFn.SIGMOID);
    }

    public Tensor erf() {
        return unary(UnaryFn.ERF);
    }

    /** {@code max(x, 0)}. */
    public Tensor relu() {
        return max(0);
    }

    public Tensor cast(DType to) {
        return to == dtype() ? this : op(new Cast(to), this);
    }

    // Reductions.

    public Tensor sum(boolean keepDims, int... axes) {
        return reduce(ReduceFn.SUM, keepDims, axes);
    }

    /** Sum of every element, a scalar. */
    public Tensor sum() {
        return sum(false, allAxes());
    }

    public Tensor max(boolean keepDims, int... axes) {
        return reduce(ReduceFn.MAX, keepDims, axes);
    }

    public Tensor min(boolean keepDims, int... axes) {
        return reduce(ReduceFn.MIN, keepDims, axes);
    }

    /** Composite: the sum divided by the number of reduced elements (symbolic counts are computed at run time). */
    public Tensor mean(boolean keepDims, int... axes) {
        return sum(keepDims, axes).div(count(axes));
    }

    public Tensor mean() {
        return mean(false, allAxes());
    }

    /** The number of elements along {@code axes}, as a scalar of this dtype (from the shape at run time if symbolic). */
    public Tensor count(int... axes) {
        Tensor n = scalar(1);
        long fixed = 1;
        for (int a : axes) {
            Dim d = shape().dim(norm(a));
            if (d.isStatic()) {
                fixed *= d.size();
            } else {
                // A symbolic extent: sum ones along it, which every backend evaluates at run time.
                Tensor ones = scalar(1).broadcastTo(new Shape(List.of(d)));
                n = n.mul(ones.sum(false, 0));
            }
        }
        return n.mul(fixed);
    }

    private Tensor reduce(ReduceFn fn, boolean keepDims, int... axes) {
        List<Integer> sorted =
                Arrays.stream(axes).map(this::norm).sorted().distinct().boxed().toList();
        return op(new Reduce(fn, sorted, keepDims), this);
    }

    public Tensor argmax(int axis, boolean keepDims) {
        return op(new ArgMax(norm(axis), keepDims), this);
    }

    private int[] allAxes() {
        int[] a = new int[rank()];
        Arrays.setAll(a, i -> i);
        return a;
    }

    /** A Python-style axis (negative counts from the end) as an index. */
    int norm(int axis) {
        int a = axis < 0 ? axis + rank() : axis;
        if (a < 0 || a >= rank()) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for " + type());
        }
        return a;
    }

    // Contraction and movement.

    public Tensor matmul(Tensor o) {
        return op(new MatMul(false, false), this, o);
    }

    /** New dims: sizes and symbols; one may be -1, inferred from the element count. */
    public Tensor reshape(Object... dims) {
        return op(new Reshape(Shapes.resolve(shape(), dims)), this);
    }

    public Tensor permute(int... perm) {
        return op(new Permute(Arrays.stream(perm).map(this::norm).boxed().toList()), this);
    }

    /** Swaps two axes. */
    public Tensor transpose(int a, int b) {
        int[] perm = allAxes();
        perm[norm(a)] = norm(b);
        perm[norm(b)] = norm(a);
        return permute(perm);
    }

    public Tensor broadcastTo(Shape s) {
        return shape().equals(s) ? this : op(new Broadcast(s), this);
    }

    /** Elements {@code start, start+step, ... < stop} along {@code axis}; negative bounds count from the end. */
    public Tensor slice(int axis, long start, long stop, long step) {
        int a = norm(axis);
        long size = shape().dim(a).size();
        long s0 = start < 0 ? start + size : start;
        long s1 = stop < 0 ? stop + size : Math.min(stop, size);
        return op(new Slice(List.of(new Slice.Range(a, s0, s1, step))), this);
    }

    public static Tensor concat(int axis, Tensor... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        return xs[0].op(new Concat(xs[0].norm(axis)), xs);
    }

    /** Rows of this table picked by integer {@code indices} along {@code axis} (an embedding lookup on axis 0). */
    public Tensor gather(Tensor indices, int axis) {
        return op(new Gather(norm(axis)), this, indices);
    }

    /** Flattens every axis from {@code from} on into one. */
    public Tensor flatten(int from) {
        int f = norm(from);
        List<Object> dims = new ArrayList<>(shape().dims().subList(0, f));
        dims.add(-1);
        return reshape(dims.toArray());
    }

    @Override
    public String toString() {
        return "Tensor[%" + value.name() + " : " + type() + "]";
    }
}
