package dev.javelin.passes.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.Pool2dBackprop;
import dev.javelin.ir.op.PoolKind;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Kernel.Kind;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The FLOPs and bytes of every kernel kind equal counts made by hand from the shapes, following the
 * documented rules: {@link Costs} for FLOPs (one per output element of an elementwise op, whatever
 * its function — exp, max and compare alike; one per input element of a reduction; 2·M·N·K per
 * matmul; two per tap of a convolution and its gradients; one per window tap of pooling; one per
 * update of scatter-add; none for movement and gather), and {@link Kernel} for bytes (each buffer a
 * kernel reads or writes counted once at its own size; constants are literals, not buffers, and
 * values inside a kernel are never counted). Every count below is written out from the shapes, not
 * copied from the implementation.
 */
class KernelCostsTest {
    /** Bytes of an f32 or i32 element; i64 is {@link #L}. */
    private static final long F = 4;

    private static final long L = 8;

    private static final Map<String, Long> NO_SIZES = Map.of();

    private static Plan fused(Graph g, Map<String, Long> sizes) {
        return Pipeline.compile(g, sizes, PassOptions.verifying()).plan();
    }

    private static Plan unfused(Graph g, Map<String, Long> sizes) {
        return Pipeline.compile(g, sizes, PassOptions.verifying().withDisabled(Pipeline.FUSE))
                .plan();
    }

    /** The kernels of one step: load-time kernels left out. */
    private static List<Kernel> step(Plan p) {
        return p.kernels().stream().filter(k -> !p.isLoadTime(k)).toList();
    }

    /** The plan's one step kernel. */
    private static Kernel only(Plan p) {
        List<Kernel> ks = step(p);
        assertEquals(1, ks.size(), () -> "expected one step kernel, found " + names(p));
        return ks.getFirst();
    }

    /** The kernel that writes {@code v}'s buffer. */
    private static Kernel writer(Plan p, Value v) {
        return p.kernels().stream()
                .filter(k -> k.writes().contains(v.name()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no kernel writes %" + v.name() + ": " + names(p)));
    }

    private static List<String> names(Plan p) {
        return p.kernels().stream().map(k -> k.name() + k.nodes()).toList();
    }

    private static void assertCounts(Kernel k, Kind kind, long flops, long read, long written) {
        assertEquals(
                kind + " flops=" + flops + " bytes_read=" + read + " bytes_written=" + written,
                k.kind() + " flops=" + k.flops() + " bytes_read=" + k.bytesRead() + " bytes_written="
                        + k.bytesWritten(),
                k.name() + " " + k.nodes());
    }

    /** Flops, bytes read and bytes written summed over the step kernels. */
    private static void assertSums(Plan p, int kernels, long flops, long read, long written) {
        List<Kernel> ks = step(p);
        assertEquals(
                kernels + " kernels flops=" + flops + " bytes_read=" + read + " bytes_written=" + written,
                ks.size() + " kernels flops="
                        + ks.stream().mapToLong(Kernel::flops).sum() + " bytes_read="
                        + ks.stream().mapToLong(Kernel::bytesRead).sum() + " bytes_written="
                        + ks.stream().mapToLong(Kernel::bytesWritten).sum(),
                names(p).toString());
    }

    private static Value f32(GraphBuilder b, String name, long... dims) {
        return b.input(name, TensorType.of(DType.F32, dims));
    }

    private static Value param(GraphBuilder b, String name, long... dims) {
        return b.parameter(name, TensorType.of(DType.F32, dims));
    }

    private static Value scalar(GraphBuilder b, double v) {
        return b.scalar(DType.F32, v);
    }

    // ---- pointwise ----------------------------------------------------------------------------

    /**
     * {@code y = max(tanh((x + bias) * s) * bias, 0)} over x[batch=3,5]: bias[5] broadcast along
     * rows and used twice, s[batch,1] broadcast along columns, a literal zero.
     */
    private static Graph chain() {
        GraphBuilder b = new GraphBuilder("chain");
        Value x = b.input("x", TensorType.dims(DType.F32, "batch", 5));
        Value bias = param(b, "bias", 5);
        Value s = b.input("s", TensorType.dims(DType.F32, "batch", 1));
        Value add = b.binary(BinaryFn.ADD, x, bias);
        Value mul = b.binary(BinaryFn.MUL, add, s);
        Value tanh = b.unary(UnaryFn.TANH, mul);
        Value mul2 = b.binary(BinaryFn.MUL, tanh, bias);
        Value relu = b.binary(BinaryFn.MAX, mul2, scalar(b, 0));
        b.output("y", relu);
        return b.build();
    }

    @Test
    void aFusedPointwiseChainCountsEachOpPerElementAndEachBufferOnce() {
        long m = 3;
        long n = 5;
        Kernel k = only(fused(chain(), Map.of("batch", m)));
        // add, mul, tanh, mul, max: five ops on each of the m*n elements.
        long flops = 5 * m * n;
        // x[3,5], bias[5] (read once though used twice, at its own size, not broadcast), s[3,1];
        // the zero is a literal; the four intermediates stay in registers.
        long read = (m * n + n + m) * F;
        long written = m * n * F;
        assertCounts(k, Kind.POINTWISE, flops, read, written);
        assertEquals(75, flops);
        assertEquals(92, read);
        assertEquals(60, written);
    }

    @Test
    void theSameChainUnfusedCountsEveryKernelsOwnTraffic() {
        long m = 3;
        long n = 5;
        long full = m * n * F; // one [3,5] f32 buffer: 60 bytes
        Plan p = unfused(chain(), Map.of("batch", m));
        // Each kernel reads its operands' buffers and writes its own [3,5] result.
        long read = (full + n * F) // add(x, bias)
                + (full + m * F) // mul(add, s)
                + full // tanh(mul)
                + (full + n * F) // mul(tanh, bias)
                + full; // max(mul2, 0): the zero is a literal
        long written = 5 * full;
        assertSums(p, 5, 5 * m * n, read, written);
        assertEquals(352, read);
        assertEquals(300, written);
        // The same arithmetic; fused, the chain moves 92 + 60 = 152 bytes instead.
        assertEquals(652, read + written);
    }

    @Test
    void anExplicitBroadcastIsReadAtItsSourceSizeUnlessItIsAKernelOfItsOwn() {
        GraphBuilder b = new GraphBuilder("broadcast");
        Value x = f32(b, "x", 3, 5);
        Value bias = f32(b, "bias", 5); // fed, so no work on it moves to load time
        Value wide = b.broadcast(bias, Shape.of(3, 5));
        b.output("y", b.binary(BinaryFn.ADD, x, wide));
        Graph g = b.build();
        // Fused, the broadcast is an index map in the add's body: bias is read as its 5 floats.
        assertCounts(only(fused(g, NO_SIZES)), Kind.POINTWISE, 3 * 5, (3 * 5 + 5) * F, 3 * 5 * F);
        // Unfused, the broadcast is a kernel that writes all 15, and the add reads them.
        Plan p = unfused(g, NO_SIZES);
        assertCounts(writer(p, wide), Kind.MOVEMENT, 0, 5 * F, 3 * 5 * F);
        assertSums(p, 2, 3 * 5, 5 * F + (3 * 5 + 3 * 5) * F, 2 * 3 * 5 * F);
    }

    @Test
    void aLoadTimeKernelKeepsItsOwnCountsOutOfTheStep() {
        // y = x * exp(scale): exp(scale) depends on a parameter alone, so it runs once at load time.
        GraphBuilder b = new GraphBuilder("scaled");
        Value x = f32(b, "x", 3, 5);
        Value scale = param(b, "scale", 5);
        Value e = b.unary(UnaryFn.EXP, scale);
        Value y = b.binary(BinaryFn.MUL, x, e);
        b.output("y", y);
        Plan p = fused(b.build(), NO_SIZES);
        Kernel load = writer(p, e);
        assertTrue(p.isLoadTime(load), load.name());
        assertCounts(load, Kind.POINTWISE, 5, 5 * F, 5 * F);
        // The step kernel reads the packed [5] once, at its own size, and x.
        assertCounts(only(p), Kind.POINTWISE, 3 * 5, (3 * 5 + 5) * F, 3 * 5 * F);
    }

    // ---- reductions ---------------------------------------------------------------------------

    @Test
    void aReductionCountsOneFlopPerInputElement() {
        GraphBuilder b = new GraphBuilder("colsum");
        Value x = f32(b, "x", 3, 5);
        b.output("y", b.reduce(ReduceFn.SUM, x, false, 0));
        // 15 additions (one per input element), x read, [5] written.
        assertCounts(only(fused(b.build(), NO_SIZES)), Kind.REDUCTION, 3 * 5, 3 * 5 * F, 5 * F);
    }

    @Test
    void aRowMeanAddsItsDivisionPerRow() {
        GraphBuilder b = new GraphBuilder("rowmean");
        Value x = f32(b, "x", 3, 5);
        Value sum = b.reduce(ReduceFn.SUM, x, false, 1);
        b.output("y", b.binary(BinaryFn.DIV, sum, scalar(b, 5)));
        // 15 for the sum, one division per row; x read, [3] written.
        assertCounts(only(fused(b.build(), NO_SIZES)), Kind.REDUCTION, 3 * 5 + 3, 3 * 5 * F, 3 * F);
    }

    @Test
    void argmaxCountsOneComparisonPerInputElement() {
        GraphBuilder b = new GraphBuilder("argmax");
        Value x = f32(b, "x", 3, 5);
        b.output("y", b.argmax(x, 1, false));
        // 15 comparisons; an i64 index per row.
        assertCounts(only(fused(b.build(), NO_SIZES)), Kind.REDUCTION, 3 * 5, 3 * 5 * F, 3 * L);
    }

    /** softmax over the rows of x[3,5]: max, sub, exp, sum, div. */
    private static Graph softmax() {
        GraphBuilder b = new GraphBuilder("softmax");
        Value x = f32(b, "x", 3, 5);
        Value max = b.reduce(ReduceFn.MAX, x, true, 1);
        Value e = b.unary(UnaryFn.EXP, b.binary(BinaryFn.SUB, x, max));
        Value sum = b.reduce(ReduceFn.SUM, e, true, 1);
        b.output("p", b.binary(BinaryFn.DIV, e, sum));
        return b.build();
    }

    @Test
    void softmaxFusedIsOneReductionThatReadsAndWritesOnce() {
        long m = 3;
        long n = 5;
        // reduce_max (one per input element), sub, exp, reduce_sum (one per input element), div:
        // five counts of m*n. x read once, p written once; the max, exp and sum stay inside.
        assertCounts(only(fused(softmax(), NO_SIZES)), Kind.REDUCTION, 5 * m * n, m * n * F, m * n * F);
    }

    @Test
    void softmaxUnfusedMovesEveryIntermediate() {
        long m = 3;
        long n = 5;
        long full = m * n * F;
        long row = m * F; // a [3,1] max or sum
        long read = full // max(x)
                + (full + row) // sub(x, max)
                + full // exp
                + full // sum(e)
                + (full + row); // div(e, sum)
        long written = row + full + full + row + full;
        assertSums(unfused(softmax(), NO_SIZES), 5, 5 * m * n, read, written);
        assertEquals(324, read);
        assertEquals(204, written);
    }

    // ---- contractions -------------------------------------------------------------------------

    /** relu(x[3,5] @ w[5,4] + b[4]). */
    private static Graph linearRelu() {
        GraphBuilder b = new GraphBuilder("linear");
        Value x = f32(b, "x", 3, 5);
        Value w = param(b, "w", 5, 4);
        Value bias = param(b, "b", 4);
        Value h = b.binary(BinaryFn.ADD, b.matmul(x, w), bias);
        b.output("y", b.binary(BinaryFn.MAX, h, scalar(b, 0)));
        return b.build();
    }

    @Test
    void aMatmulWithBiasAndReluEpilogueCounts2MNKPlusTheEpilogue() {
        long m = 3;
        long k = 5;
        long n = 4;
        long flops = 2 * m * n * k + m * n + m * n; // the product, the bias add, the relu
        long read = (m * k + k * n + n) * F; // x, w, b
        assertCounts(only(fused(linearRelu(), NO_SIZES)), Kind.CONTRACTION, flops, read, m * n * F);
        assertEquals(144, flops);
        assertEquals(156, read);
    }

    @Test
    void theLinearLayerUnfusedWritesAndRereadsTheProduct() {
        long m = 3;
        long k = 5;
        long n = 4;
        long out = m * n * F;
        Plan p = unfused(linearRelu(), NO_SIZES);
        assertSums(
                p,
                3,
                2 * m * n * k + 2 * m * n,
                (m * k + k * n) * F + (out + n * F) + out, // matmul(x, w), add(h, b), max(hb, 0)
                3 * out);
    }

    @Test
    void aBatchedMatmulCountsEveryBatch() {
        long batch = 2;
        long m = 3;
        long k = 5;
        long n = 4;
        GraphBuilder b = new GraphBuilder("bmm");
        Value x = f32(b, "x", batch, m, k);
        Value y = f32(b, "y", batch, k, n);
        b.output("z", b.matmul(x, y));
        assertCounts(
                only(fused(b.build(), NO_SIZES)),
                Kind.CONTRACTION,
                2 * batch * m * n * k,
                (batch * m * k + batch * k * n) * F,
                batch * m * n * F);
    }

    @Test
    void aBroadcastMatmulOperandIsReadAtItsOwnSizeAndATransposeIsFree() {
        long batch = 2;
        long m = 3;
        long k = 5;
        long n = 4;
        // x[2,5,3] transposed into the matmul (the layout pass makes it transpose_a), times w[5,4]
        // shared by both batches.
        GraphBuilder b = new GraphBuilder("bmm_shared");
        Value x = f32(b, "x", batch, k, m);
        Value w = param(b, "w", k, n);
        b.output("z", b.matmul(b.permute(x, 0, 2, 1), w));
        Plan p = fused(b.build(), NO_SIZES);
        assertTrue(only(p).body().stream().anyMatch(node -> node.op() instanceof MatMul mm && mm.transposeA()));
        assertCounts(
                only(p),
                Kind.CONTRACTION,
                2 * batch * m * n * k,
                (batch * k * m + k * n) * F, // w once, not once per batch
                batch * m * n * F);
    }

    // ---- convolution and pooling --------------------------------------------------------------

    private static final long N = 2;
    private static final long CIN = 2;
    private static final long H = 5;
    private static final long COUT = 3;
    private static final long KH = 3;
    private static final long STRIDE = 2;
    private static final long PAD = 1;
    /** (5 + 1 + 1 - 3) / 2 + 1 = 3. */
    private static final long HOUT = (H + 2 * PAD - KH) / STRIDE + 1;

    private static Conv2d conv() {
        return new Conv2d(List.of(STRIDE, STRIDE), List.of(PAD, PAD, PAD, PAD), List.of(1L, 1L), 1);
    }

    @Test
    void aConvolutionWithBiasAndReluCountsTwoFlopsPerTap() {
        assertEquals(3, HOUT);
        GraphBuilder b = new GraphBuilder("conv");
        Value x = f32(b, "x", N, CIN, H, H);
        Value w = param(b, "w", COUT, CIN, KH, KH);
        Value bias = param(b, "b", COUT);
        Value y = b.add(conv(), x, w);
        Value biased = b.binary(BinaryFn.ADD, y, b.reshape(bias, Shape.of(COUT, 1, 1)));
        b.output("y", b.binary(BinaryFn.MAX, biased, scalar(b, 0)));
        long out = N * COUT * HOUT * HOUT; // 54
        long flops = 2 * N * COUT * HOUT * HOUT * CIN * KH * KH + out + out;
        long read = (N * CIN * H * H + COUT * CIN * KH * KH + COUT) * F; // x, w, b (the reshape is a view)
        assertCounts(only(fused(b.build(), NO_SIZES)), Kind.CONVOLUTION, flops, read, out * F);
        assertEquals(1944 + 108, flops);
        assertEquals(400 + 216 + 12, read);
    }

    @Test
    void aGroupedConvolutionCountsTheTapsOfItsGroupOnly() {
        long n = 1;
        long c = 4;
        long h = 4;
        long groups = 2;
        long o = 6;
        long kh = 3;
        long hout = h - kh + 1; // 2, no padding, stride 1
        GraphBuilder b = new GraphBuilder("grouped");
        Value x = f32(b, "x", n, c, h, h);
        Value w = param(b, "w", o, c / groups, kh, kh);
        b.output("y", b.add(new Conv2d(List.of(1L, 1L), List.of(0L, 0L, 0L, 0L), List.of(1L, 1L), groups), x, w));
        assertCounts(
                only(fused(b.build(), NO_SIZES)),
                Kind.CONVOLUTION,
                2 * n * o * hout * hout * (c / groups) * kh * kh,
                (n * c * h * h + o * (c / groups) * kh * kh) * F,
                n * o * hout * hout * F);
    }

    @Test
    void convolutionGradientsCountTheForwardTaps() {
        // Each gradient does the forward convolution's multiply-adds: 2*N*Cout*Hout*Wout*Cin*KH*KW.
        long taps = 2 * N * COUT * HOUT * HOUT * CIN * KH * KH;
        long xBytes = N * CIN * H * H * F;
        long wBytes = COUT * CIN * KH * KH * F;
        long dyBytes = N * COUT * HOUT * HOUT * F;
        GraphBuilder b = new GraphBuilder("conv_grads");
        Value x = f32(b, "x", N, CIN, H, H);
        Value w = param(b, "w", COUT, CIN, KH, KH);
        Value dy = f32(b, "dy", N, COUT, HOUT, HOUT);
        Conv2d c = conv();
        Value dx =
                b.add(new Conv2dBackpropInput(c.stride(), c.padding(), c.dilation(), 1, Shape.of(N, CIN, H, H)), dy, w);
        Value dw = b.add(
                new Conv2dBackpropFilter(c.stride(), c.padding(), c.dilation(), 1, Shape.of(COUT, CIN, KH, KH)), x, dy);
        b.output("dx", dx);
        b.output("dw", dw);
        Plan p = fused(b.build(), NO_SIZES);
        assertCounts(writer(p, dx), Kind.CONVOLUTION, taps, dyBytes + wBytes, xBytes);
        assertCounts(writer(p, dw), Kind.CONVOLUTION, taps, xBytes + dyBytes, wBytes);
    }

    @Test
    void maxPoolingCountsOneFlopPerWindowTap() {
        GraphBuilder b = new GraphBuilder("pool");
        Value x = f32(b, "x", 1, 2, 4, 4);
        b.output("y", b.add(new Pool2d(PoolKind.MAX, List.of(2L, 2L), List.of(2L, 2L), List.of(0L, 0L, 0L, 0L)), x));
        long out = 1 * 2 * 2 * 2; // 2x2 windows at stride 2 over 4x4
        assertCounts(only(fused(b.build(), NO_SIZES)), Kind.POOLING, out * 2 * 2, 1 * 2 * 4 * 4 * F, out * F);
    }

    @Test
    void paddedAveragePoolingCountsEveryTapOfEveryWindow() {
        GraphBuilder b = new GraphBuilder("avgpool");
        Value x = f32(b, "x", 1, 1, 3, 3);
        b.output("y", b.add(new Pool2d(PoolKind.AVG, List.of(3L, 3L), List.of(1L, 1L), List.of(1L, 1L, 1L, 1L)), x));
        // 3x3 windows at stride 1 with padding 1: a 3x3 output, nine taps each (padding included).
        assertCounts(only(fused(b.build(), NO_SIZES)), Kind.POOLING, 9 * 9, 9 * F, 9 * F);
    }

    @Test
    void maxPoolingGradientCountsTheForwardTaps() {
        GraphBuilder b = new GraphBuilder("pool_grad");
        Value x = f32(b, "x", 1, 2, 4, 4);
        Value dy = f32(b, "dy", 1, 2, 2, 2);
        b.output(
                "dx",
                b.add(
                        new Pool2dBackprop(PoolKind.MAX, List.of(2L, 2L), List.of(2L, 2L), List.of(0L, 0L, 0L, 0L)),
                        x,
                        dy));
        // 8 windows of 4 taps; x and dy read, dx (x's shape) written.
        assertCounts(only(fused(b.build(), NO_SIZES)), Kind.POOLING, 8 * 4, (32 + 8) * F, 32 * F);
    }

    // ---- movement, gather, scatter ------------------------------------------------------------

    @Test
    void concatAndAMaterializedTransposeMoveBytesWithoutFlops() {
        GraphBuilder b = new GraphBuilder("movement");
        Value x = f32(b, "x", 3, 5);
        Value y = f32(b, "y", 3, 2);
        Value cat = b.concat(1, x, y);
        Value t = b.permute(x, 1, 0);
        b.output("cat", cat);
        b.output("t", t);
        Plan p = fused(b.build(), NO_SIZES);
        assertCounts(writer(p, cat), Kind.MOVEMENT, 0, (3 * 5 + 3 * 2) * F, 3 * 7 * F);
        assertCounts(writer(p, t), Kind.MOVEMENT, 0, 3 * 5 * F, 5 * 3 * F);
    }

    @Test
    void anEmbeddingLookupCountsItsTableOnceAndOnlyTheEpilogueFlops() {
        long vocab = 6;
        long dim = 4;
        GraphBuilder b = new GraphBuilder("embedding");
        Value table = param(b, "table", vocab, dim);
        Value ids = b.input("ids", TensorType.of(DType.I32, 2, 3));
        Value rows = b.add(new Gather(0), table, ids);
        b.output("y", b.binary(BinaryFn.MUL, rows, scalar(b, 2)));
        long out = 2 * 3 * dim; // [2,3,4]
        // The gather computes nothing; the scale is one multiply per output element. Bytes: the
        // table buffer (its size, as for every read buffer) and the i32 ids.
        assertCounts(only(fused(b.build(), NO_SIZES)), Kind.GATHER, out, (vocab * dim + 2 * 3) * F, out * F);
    }

    @Test
    void scatterAddCountsOneAddPerUpdate() {
        long rows = 6;
        long dim = 4;
        GraphBuilder b = new GraphBuilder("scatter");
        Value base = f32(b, "base", rows, dim);
        Value ids = b.input("ids", TensorType.of(DType.I32, 2, 3));
        Value updates = f32(b, "updates", 2, 3, dim);
        b.output("y", b.add(new ScatterAdd(0), base, ids, updates));
        long upd = 2 * 3 * dim; // 24
        assertCounts(
                only(fused(b.build(), NO_SIZES)), Kind.SCATTER, upd, (rows * dim + 2 * 3 + upd) * F, rows * dim * F);
    }

    // ---- optimizer updates --------------------------------------------------------------------

    /** SGD on w[3,5] and b[5]: p - g * lr, with lr a fed scalar. */
    private static Graph sgd() {
        GraphBuilder b = new GraphBuilder("sgd");
        Value w = param(b, "w", 3, 5);
        Value bias = param(b, "b", 5);
        Value gw = f32(b, "gw", 3, 5);
        Value gb = f32(b, "gb", 5);
        Value lr = b.input("lr", TensorType.scalar(DType.F32));
        b.assign(w, b.binary(BinaryFn.SUB, w, b.binary(BinaryFn.MUL, gw, lr)));
        b.assign(bias, b.binary(BinaryFn.SUB, bias, b.binary(BinaryFn.MUL, gb, lr)));
        return b.build();
    }

    @Test
    void anSgdStepIsOneMultiTensorKernel() {
        long w = 3 * 5;
        long bias = 5;
        // A multiply and a subtraction per element of each parameter.
        long flops = 2 * w + 2 * bias;
        // w, b, gw, gb and lr (read once for both parameters); new w and b written.
        long read = (w + bias + w + bias + 1) * F;
        assertCounts(only(fused(sgd(), NO_SIZES)), Kind.MULTI_TENSOR, flops, read, (w + bias) * F);
        assertEquals(164, read);
    }

    @Test
    void anSgdStepUnfusedCountsEachOpsTraffic() {
        long w = 3 * 5 * F;
        long bias = 5 * F;
        long lr = F;
        long read = (w + lr) + (w + w) + (bias + lr) + (bias + bias); // mul, sub per parameter
        assertSums(unfused(sgd(), NO_SIZES), 4, 2 * 15 + 2 * 5, read, 2 * w + 2 * bias);
        assertEquals(248, read);
    }

    /**
     * Adam (PyTorch's formulation, as the DSL writes it) on w[3,5] and b[5] with state m and v per
     * parameter, the step t and the learning rate fed as scalars.
     */
    @Test
    void anAdamStepIsOneMultiTensorKernel() {
        double beta1 = 0.9;
        double beta2 = 0.999;
        GraphBuilder b = new GraphBuilder("adam");
        Value lr = b.input("lr", TensorType.scalar(DType.F32));
        Value t = b.input("t", TensorType.scalar(DType.F32));
        // The scalars shared by every parameter: 1 - beta^t (pow, neg, add each), sqrt of the second,
        // lr over the first.
        Value bias1 =
                b.binary(BinaryFn.ADD, b.unary(UnaryFn.NEG, b.binary(BinaryFn.POW, scalar(b, beta1), t)), scalar(b, 1));
        Value bias2 =
                b.binary(BinaryFn.ADD, b.unary(UnaryFn.NEG, b.binary(BinaryFn.POW, scalar(b, beta2), t)), scalar(b, 1));
        Value sqrtBias2 = b.unary(UnaryFn.SQRT, bias2);
        Value step = b.binary(BinaryFn.DIV, lr, bias1);
        long scalarFlops = 3 + 3 + 1 + 1;
        long[][] shapes = {{3, 5}, {5}};
        long elements = 0;
        for (long[] shape : shapes) {
            String name = "p" + shape.length;
            Value p = param(b, name, shape);
            Value m = param(b, "adam.m." + name, shape);
            Value v = param(b, "adam.v." + name, shape);
            Value g = f32(b, "g" + shape.length, shape);
            // m1 = m*b1 + g*(1-b1): 3 ops; v1 = v*b2 + g*g*(1-b2): 4 ops;
            // denom = sqrt(v1)/sqrt(bias2) + eps: 3 ops; p - m1/denom*step: 3 ops. 13 per element.
            Value m1 = b.binary(
                    BinaryFn.ADD,
                    b.binary(BinaryFn.MUL, m, scalar(b, beta1)),
                    b.binary(BinaryFn.MUL, g, scalar(b, 1 - beta1)));
            Value v1 = b.binary(
                    BinaryFn.ADD,
                    b.binary(BinaryFn.MUL, v, scalar(b, beta2)),
                    b.binary(BinaryFn.MUL, b.binary(BinaryFn.MUL, g, g), scalar(b, 1 - beta2)));
            Value denom = b.binary(
                    BinaryFn.ADD, b.binary(BinaryFn.DIV, b.unary(UnaryFn.SQRT, v1), sqrtBias2), scalar(b, 1e-8));
            b.assign(m, m1);
            b.assign(v, v1);
            b.assign(p, b.binary(BinaryFn.SUB, p, b.binary(BinaryFn.MUL, b.binary(BinaryFn.DIV, m1, denom), step)));
            elements += java.util.Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        }
        assertEquals(20, elements);
        // Per element: p, m, v, g read; p, m, v written. And the two scalars lr and t.
        assertCounts(
                only(fused(b.build(), NO_SIZES)),
                Kind.MULTI_TENSOR,
                13 * elements + scalarFlops,
                (4 * elements + 2) * F,
                3 * elements * F);
    }
}
