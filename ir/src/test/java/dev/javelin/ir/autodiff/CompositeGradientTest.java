package dev.javelin.ir.autodiff;

import static dev.javelin.ir.autodiff.GradCheck.arg;
import static dev.javelin.ir.autodiff.GradCheck.check;
import static dev.javelin.ir.autodiff.GradCheck.shape;
import static dev.javelin.ir.autodiff.GradCheck.uniform;

import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Gradient checks of the composite operations the DSL decomposes into primitives. The small
 * builders below are written here, independently of the DSL's, as the usual numerically stable
 * decompositions over the last axis of a rank-2 tensor.
 */
class CompositeGradientTest {

    @AfterAll
    static void report() {
        System.out.println("[gradcheck] worst relative error so far: " + GradCheck.worst());
    }

    private static Value scalar(GraphBuilder b, double v) {
        return b.scalar(DType.F64, v);
    }

    private static Value mul(GraphBuilder b, Value x, Value y) {
        return b.binary(BinaryFn.MUL, x, y);
    }

    /** exp(x - max) / sum(exp(x - max)) over axis 1. */
    static Value softmax(GraphBuilder b, Value x) {
        Value shifted = b.binary(BinaryFn.SUB, x, b.reduce(ReduceFn.MAX, x, true, 1));
        Value e = b.unary(UnaryFn.EXP, shifted);
        return b.binary(BinaryFn.DIV, e, b.reduce(ReduceFn.SUM, e, true, 1));
    }

    /** (x - max) - log(sum(exp(x - max))) over axis 1. */
    static Value logSoftmax(GraphBuilder b, Value x) {
        Value shifted = b.binary(BinaryFn.SUB, x, b.reduce(ReduceFn.MAX, x, true, 1));
        Value sum = b.reduce(ReduceFn.SUM, b.unary(UnaryFn.EXP, shifted), true, 1);
        return b.binary(BinaryFn.SUB, shifted, b.unary(UnaryFn.LOG, sum));
    }

    /** (x - mean) / sqrt(var + eps) * gamma + beta over axis 1 (static size). */
    static Value layerNorm(GraphBuilder b, Value x, Value gamma, Value beta) {
        double n = x.type().shape().dim(1).size();
        Value mean = mul(b, b.reduce(ReduceFn.SUM, x, true, 1), scalar(b, 1 / n));
        Value centred = b.binary(BinaryFn.SUB, x, mean);
        Value variance = mul(b, b.reduce(ReduceFn.SUM, mul(b, centred, centred), true, 1), scalar(b, 1 / n));
        Value inv = b.unary(UnaryFn.RSQRT, b.binary(BinaryFn.ADD, variance, scalar(b, 1e-5)));
        return b.binary(BinaryFn.ADD, mul(b, mul(b, centred, inv), gamma), beta);
    }

    /** 0.5 x (1 + erf(x / sqrt 2)). */
    static Value gelu(GraphBuilder b, Value x) {
        Value erf = b.unary(UnaryFn.ERF, mul(b, x, scalar(b, 1 / Math.sqrt(2))));
        return mul(b, mul(b, scalar(b, 0.5), x), b.binary(BinaryFn.ADD, scalar(b, 1), erf));
    }

    /** Per-example -log softmax(logits)[label], the label picked by a one-hot mask (iota == label). */
    static Value softmaxCrossEntropy(GraphBuilder b, Value logits, Value labels) {
        Shape ls = logits.type().shape();
        Value column = b.reshape(labels, new Shape(List.of(ls.dim(0), Dim.of(1))));
        Value classes = b.add(new Iota(TensorType.of(DType.I64, 1, ls.dim(1).size()), 1));
        Value oneHot =
                b.cast(b.binary(BinaryFn.EQ, column, classes), logits.type().dtype());
        Value picked = b.reduce(ReduceFn.SUM, mul(b, oneHot, logSoftmax(b, logits)), false, 1);
        return b.unary(UnaryFn.NEG, picked);
    }

    @Test
    void softmax() {
        check("softmax", (b, x) -> softmax(b, x.get(0)), arg(uniform(new Random(1), shape(3, 5), -3, 3)));
    }

    @Test
    void logSoftmax() {
        check("log_softmax", (b, x) -> logSoftmax(b, x.get(0)), arg(uniform(new Random(2), shape(3, 5), -3, 3)));
    }

    @Test
    void layerNorm() {
        Random r = new Random(3);
        check(
                "layer_norm",
                (b, x) -> layerNorm(b, x.get(0), x.get(1), x.get(2)),
                arg(uniform(r, shape(3, 6), -2, 2)),
                arg(uniform(r, shape(6), 0.5, 1.5)),
                arg(uniform(r, shape(6), -0.5, 0.5)));
    }

    @Test
    void gelu() {
        check("gelu", (b, x) -> gelu(b, x.get(0)), arg(uniform(new Random(4), shape(4, 5), -3, 3)));
    }

    @Test
    void softmaxCrossEntropyWithIntegerLabels() {
        Random r = new Random(5);
        check(
                "softmax_cross_entropy",
                (b, x) -> softmaxCrossEntropy(b, x.get(0), x.get(1)),
                arg(uniform(r, shape(4, 3), -2, 2)),
                arg(NdArray.ofLongs(DType.I64, shape(4), 2, 0, 2, 1)));
    }

    /**
     * A two-layer classifier over a symbolic batch, bound to 3 at run time: every gradient keeps the
     * {@code batch} symbol (GradCheck asserts each has exactly its input's type), and the bias
     * gradients sum over it.
     */
    @Test
    void mlpWithCrossEntropyOverASymbolicBatch() {
        Random r = new Random(6);
        check(
                "mlp_symbolic_batch",
                (b, x) -> {
                    Value h = b.unary(UnaryFn.TANH, b.binary(BinaryFn.ADD, b.matmul(x.get(0), x.get(1)), x.get(2)));
                    Value logits = b.binary(BinaryFn.ADD, b.matmul(gelu(b, h), x.get(3)), x.get(4));
                    return softmaxCrossEntropy(b, logits, x.get(5));
                },
                arg(TensorType.dims(DType.F64, "batch", 4), uniform(r, shape(3, 4), -1, 1)),
                arg(uniform(r, shape(4, 5), -1, 1)),
                arg(uniform(r, shape(5), -0.5, 0.5)),
                arg(uniform(r, shape(5, 3), -1, 1)),
                arg(uniform(r, shape(3), -0.5, 0.5)),
                arg(TensorType.dims(DType.I64, "batch"), NdArray.ofLongs(DType.I64, shape(3), 1, 0, 2)));
    }
}
