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

    /**
     * The net this tensor was traced in; operands of one operation must all come from the same net.
     *
     * @return the owning net
     */
    public Net net() {
        return net;
    }

    /**
     * The IR value this tensor stands for, for code that inspects or extends the traced graph.
     *
     * @return the graph value
     */
    public Value value() {
        return value;
    }

    /**
     * The static type: dtype and shape, whose dims may be symbolic.
     *
     * @return the tensor type
     */
    public TensorType type() {
        return value.type();
    }

    /**
     * The element type.
     *
     * @return the dtype
     */
    public DType dtype() {
        return value.type().dtype();
    }

    /**
     * The shape, whose dims may be symbolic (resolved when the compiled model runs).
     *
     * @return the shape
     */
    public Shape shape() {
        return value.type().shape();
    }

    /**
     * The number of axes.
     *
     * @return the rank; 0 for a scalar
     */
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

    /**
     * A scalar constant of this tensor's dtype.
     *
     * @param v the value
     * @return a rank-0 tensor in this tensor's net
     */
    public Tensor scalar(double v) {
        return net.scalar(v, dtype());
    }

    // Elementwise arithmetic (NumPy broadcasting).

    /**
     * Elementwise {@code this + o}, with NumPy broadcasting.
     *
     * @param o the other operand, of the same dtype
     * @return the sum
     */
    public Tensor add(Tensor o) {
        return op(new Binary(BinaryFn.ADD), this, o);
    }

    /**
     * Elementwise {@code this + v}.
     *
     * @param v a scalar, cast to this tensor's dtype
     * @return the sum
     */
    public Tensor add(double v) {
        return add(scalar(v));
    }

    /**
     * Elementwise {@code this - o}, with NumPy broadcasting.
     *
     * @param o the other operand, of the same dtype
     * @return the difference
     */
    public Tensor sub(Tensor o) {
        return op(new Binary(BinaryFn.SUB), this, o);
    }

    /**
     * Elementwise {@code this - v}.
     *
     * @param v a scalar, cast to this tensor's dtype
     * @return the difference
     */
    public Tensor sub(double v) {
        return sub(scalar(v));
    }

    /**
     * Elementwise {@code this * o}, with NumPy broadcasting.
     *
     * @param o the other operand, of the same dtype
     * @return the product
     */
    public Tensor mul(Tensor o) {
        return op(new Binary(BinaryFn.MUL), this, o);
    }

    /**
     * Elementwise {@code this * v}.
     *
     * @param v a scalar, cast to this tensor's dtype
     * @return the product
     */
    public Tensor mul(double v) {
        return mul(scalar(v));
    }

    /**
     * Elementwise {@code this / o}, with NumPy broadcasting.
     *
     * @param o the divisor, of the same dtype
     * @return the quotient
     */
    public Tensor div(Tensor o) {
        return op(new Binary(BinaryFn.DIV), this, o);
    }

    /**
     * Elementwise {@code this / v}.
     *
     * @param v a scalar divisor, cast to this tensor's dtype
     * @return the quotient
     */
    public Tensor div(double v) {
        return div(scalar(v));
    }

    /**
     * Elementwise {@code this} raised to the power {@code o}, with NumPy broadcasting.
     *
     * @param o the exponent, of the same dtype
     * @return the power
     */
    public Tensor pow(Tensor o) {
        return op(new Binary(BinaryFn.POW), this, o);
    }

    /**
     * Elementwise {@code this} raised to the power {@code v}.
     *
     * @param v a scalar exponent, cast to this tensor's dtype
     * @return the power
     */
    public Tensor pow(double v) {
        return pow(scalar(v));
    }

    /**
     * Elementwise maximum (NaN propagates).
     *
     * @param o the other operand, of the same dtype
     * @return the elementwise maximum
     */
    public Tensor max(Tensor o) {
        return op(new Binary(BinaryFn.MAX), this, o);
    }

    /**
     * Elementwise maximum with a scalar (NaN propagates).
     *
     * @param v a scalar, cast to this tensor's dtype
     * @return the elementwise maximum
     */
    public Tensor max(double v) {
        return max(scalar(v));
    }

    /**
     * Elementwise minimum (NaN propagates).
     *
     * @param o the other operand, of the same dtype
     * @return the elementwise minimum
     */
    public Tensor min(Tensor o) {
        return op(new Binary(BinaryFn.MIN), this, o);
    }

    /**
     * Elementwise minimum with a scalar (NaN propagates).
     *
     * @param v a scalar, cast to this tensor's dtype
     * @return the elementwise minimum
     */
    public Tensor min(double v) {
        return min(scalar(v));
    }

    // Comparisons and logic (bool results).

    /**
     * Elementwise {@code this == o}.
     *
     * @param o the other operand, of the same dtype
     * @return a bool tensor
     */
    public Tensor eq(Tensor o) {
        return op(new Binary(BinaryFn.EQ), this, o);
    }

    /**
     * Elementwise {@code this != o}.
     *
     * @param o the other operand, of the same dtype
     * @return a bool tensor
     */
    public Tensor ne(Tensor o) {
        return op(new Binary(BinaryFn.NE), this, o);
    }

    /**
     * Elementwise {@code this < o}.
     *
     * @param o the other operand, of the same dtype
     * @return a bool tensor
     */
    public Tensor lt(Tensor o) {
        return op(new Binary(BinaryFn.LT), this, o);
    }

    /**
     * Elementwise {@code this <= o}.
     *
     * @param o the other operand, of the same dtype
     * @return a bool tensor
     */
    public Tensor le(Tensor o) {
        return op(new Binary(BinaryFn.LE), this, o);
    }

    /**
     * Elementwise {@code this > o}.
     *
     * @param o the other operand, of the same dtype
     * @return a bool tensor
     */
    public Tensor gt(Tensor o) {
        return op(new Binary(BinaryFn.GT), this, o);
    }

    /**
     * Elementwise {@code this > v}.
     *
     * @param v a scalar, cast to this tensor's dtype
     * @return a bool tensor
     */
    public Tensor gt(double v) {
        return gt(scalar(v));
    }

    /**
     * Elementwise {@code this >= o}.
     *
     * @param o the other operand, of the same dtype
     * @return a bool tensor
     */
    public Tensor ge(Tensor o) {
        return op(new Binary(BinaryFn.GE), this, o);
    }

    /**
     * Elementwise logical and of two bool tensors.
     *
     * @param o the other bool operand
     * @return a bool tensor
     */
    public Tensor and(Tensor o) {
        return op(new Binary(BinaryFn.AND), this, o);
    }

    /**
     * Elementwise logical or of two bool tensors.
     *
     * @param o the other bool operand
     * @return a bool tensor
     */
    public Tensor or(Tensor o) {
        return op(new Binary(BinaryFn.OR), this, o);
    }

    /**
     * Elementwise logical negation of this bool tensor.
     *
     * @return a bool tensor
     */
    public Tensor not() {
        return unary(UnaryFn.NOT);
    }

    /**
     * {@code this ? a : b} elementwise; this must be bool.
     *
     * @param a the values where this is true
     * @param b the values where this is false, of a's dtype
     * @return the selected values, broadcast to a common shape
     */
    public Tensor where(Tensor a, Tensor b) {
        return op(new Select(), this, a, b);
    }

    // Unary math.

    /**
     * Applies an elementwise unary function, for the ones without a method of their own.
     *
     * @param fn the function
     * @return the result, of this tensor's type
     */
    public Tensor unary(UnaryFn fn) {
        return op(new Unary(fn), this);
    }

    /**
     * Elementwise {@code -this}.
     *
     * @return the negation
     */
    public Tensor neg() {
        return unary(UnaryFn.NEG);
    }

    /**
     * Elementwise absolute value.
     *
     * @return the absolute value
     */
    public Tensor abs() {
        return unary(UnaryFn.ABS);
    }

    /**
     * Elementwise {@code e^this}.
     *
     * @return the exponential
     */
    public Tensor exp() {
        return unary(UnaryFn.EXP);
    }

    /**
     * Elementwise natural logarithm.
     *
     * @return the logarithm
     */
    public Tensor log() {
        return unary(UnaryFn.LOG);
    }

    /**
     * Elementwise square root.
     *
     * @return the square root
     */
    public Tensor sqrt() {
        return unary(UnaryFn.SQRT);
    }

    /**
     * Elementwise {@code 1 / sqrt(this)}, one primitive so backends can use a fast reciprocal square root.
     *
     * @return the reciprocal square root
     */
    public Tensor rsqrt() {
        return unary(UnaryFn.RSQRT);
    }

    /**
     * Elementwise hyperbolic tangent.
     *
     * @return the tanh
     */
    public Tensor tanh() {
        return unary(UnaryFn.TANH);
    }

    /**
     * Elementwise logistic sigmoid {@code 1 / (1 + e^-this)}.
     *
     * @return the sigmoid
     */
    public Tensor sigmoid() {
        return unary(UnaryFn.SIGMOID);
    }

    /**
     * Elementwise Gauss error function, as used by the exact GELU.
     *
     * @return the error function
     */
    public Tensor erf() {
        return unary(UnaryFn.ERF);
    }

    /**
     * {@code max(x, 0)}.
     *
     * @return the elementwise ReLU
     */
    public Tensor relu() {
        return max(0);
    }

    /**
     * Converts the elements to another dtype; returns this tensor unchanged when it already has it.
     *
     * @param to the target dtype
     * @return the converted tensor
     */
    public Tensor cast(DType to) {
        return to == dtype() ? this : op(new Cast(to), this);
    }

    // Reductions.

    /**
     * Sum along {@code axes} (negative axes count from the end).
     *
     * @param keepDims whether the reduced axes stay as size-1 axes
     * @param axes the axes to reduce
     * @return the sum
     */
    public Tensor sum(boolean keepDims, int... axes) {
        return reduce(ReduceFn.SUM, keepDims, axes);
    }

    /**
     * Sum of every element, a scalar.
     *
     * @return the sum as a rank-0 tensor
     */
    public Tensor sum() {
        return sum(false, allAxes());
    }

    /**
     * Maximum along {@code axes} (negative axes count from the end).
     *
     * @param keepDims whether the reduced axes stay as size-1 axes
     * @param axes the axes to reduce
     * @return the maximum
     */
    public Tensor max(boolean keepDims, int... axes) {
        return reduce(ReduceFn.MAX, keepDims, axes);
    }

    /**
     * Minimum along {@code axes} (negative axes count from the end).
     *
     * @param keepDims whether the reduced axes stay as size-1 axes
     * @param axes the axes to reduce
     * @return the minimum
     */
    public Tensor min(boolean keepDims, int... axes) {
        return reduce(ReduceFn.MIN, keepDims, axes);
    }

    /**
     * Composite: the sum divided by the number of reduced elements (symbolic counts are computed at run time).
     *
     * @param keepDims whether the reduced axes stay as size-1 axes
     * @param axes the axes to reduce; negative axes count from the end
     * @return the mean
     */
    public Tensor mean(boolean keepDims, int... axes) {
        return sum(keepDims, axes).div(count(axes));
    }

    /**
     * Mean of every element, a scalar.
     *
     * @return the mean as a rank-0 tensor
     */
    public Tensor mean() {
        return mean(false, allAxes());
    }

    /**
     * The number of elements along {@code axes}, as a scalar of this dtype (from the shape at run time if symbolic).
     *
     * @param axes the axes whose extents are multiplied
     * @return the count as a rank-0 tensor
     */
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

    /**
     * Index of the largest element along {@code axis}.
     *
     * @param axis the axis to search; negative counts from the end
     * @param keepDims whether the axis stays as a size-1 axis
     * @return the indices, an integer tensor
     */
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

    /**
     * Matrix product, batched over leading axes as in NumPy's {@code matmul}.
     *
     * @param o the right operand, of the same dtype
     * @return the product
     */
    public Tensor matmul(Tensor o) {
        return op(new MatMul(false, false), this, o);
    }

    /**
     * New dims: sizes and symbols; one may be -1, inferred from the element count.
     *
     * @param dims the new dims: integer sizes, symbol names or {@code Dim}s, at most one of them -1
     * @return the reshaped tensor, with the same element count
     */
    public Tensor reshape(Object... dims) {
        return op(new Reshape(Shapes.resolve(shape(), dims)), this);
    }

    /**
     * Reorders the axes: axis {@code i} of the result is axis {@code perm[i]} of this tensor.
     *
     * @param perm a permutation of the axes; negative axes count from the end
     * @return the permuted tensor
     */
    public Tensor permute(int... perm) {
        return op(new Permute(Arrays.stream(perm).map(this::norm).boxed().toList()), this);
    }

    /**
     * Swaps two axes.
     *
     * @param a one axis; negative counts from the end
     * @param b the other axis; negative counts from the end
     * @return the tensor with the two axes swapped
     */
    public Tensor transpose(int a, int b) {
        int[] perm = allAxes();
        perm[norm(a)] = norm(b);
        perm[norm(b)] = norm(a);
        return permute(perm);
    }

    /**
     * Broadcasts to a larger shape by NumPy rules; returns this tensor when the shape already matches.
     *
     * @param s the target shape
     * @return the broadcast tensor
     */
    public Tensor broadcastTo(Shape s) {
        return shape().equals(s) ? this : op(new Broadcast(s), this);
    }

    /**
     * Elements {@code start, start+step, ... < stop} along {@code axis}; negative bounds count from the end.
     *
     * @param axis the axis to slice; negative counts from the end
     * @param start the first index
     * @param stop the end index (exclusive), clamped to the axis size
     * @param step the stride
     * @return the slice
     */
    public Tensor slice(int axis, long start, long stop, long step) {
        int a = norm(axis);
        long size = shape().dim(a).size();
        long s0 = start < 0 ? start + size : start;
        long s1 = stop < 0 ? stop + size : Math.min(stop, size);
        return op(new Slice(List.of(new Slice.Range(a, s0, s1, step))), this);
    }

    /**
     * Joins tensors along an existing axis; they must match in every other axis and in dtype.
     *
     * @param axis the axis to join along; negative counts from the end
     * @param xs the tensors, at least one, all from the same net
     * @return the concatenation
     */
    public static Tensor concat(int axis, Tensor... xs) {
        if (xs.length == 0) {
            throw new IllegalArgumentException("concat needs at least one tensor");
        }
        return xs[0].op(new Concat(xs[0].norm(axis)), xs);
    }

    /**
     * Rows of this table picked by integer {@code indices} along {@code axis} (an embedding lookup on axis 0).
     *
     * @param indices the integer indices
     * @param axis the axis the indices select along; negative counts from the end
     * @return the gathered rows
     */
    public Tensor gather(Tensor indices, int axis) {
        return op(new Gather(norm(axis)), this, indices);
    }

    /**
     * Flattens every axis from {@code from} on into one.
     *
     * @param from the first axis to merge; negative counts from the end
     * @return the flattened tensor
     */
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
