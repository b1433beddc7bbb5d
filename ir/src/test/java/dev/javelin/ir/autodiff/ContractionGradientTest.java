package dev.javelin.ir.autodiff;

import static dev.javelin.ir.autodiff.GradCheck.arg;
import static dev.javelin.ir.autodiff.GradCheck.check;
import static dev.javelin.ir.autodiff.GradCheck.distinct;
import static dev.javelin.ir.autodiff.GradCheck.shape;
import static dev.javelin.ir.autodiff.GradCheck.uniform;

import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.PoolKind;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Gradient checks of matmul (every transpose combination, batch broadcasting), conv2d and pooling. */
class ContractionGradientTest {

    @AfterAll
    static void report() {
        System.out.println("[gradcheck] worst relative error so far: " + GradCheck.worst());
    }

    static Stream<Arguments> transposes() {
        return Stream.of(
                Arguments.of(false, false),
                Arguments.of(false, true),
                Arguments.of(true, false),
                Arguments.of(true, true));
    }

    /** The last two axes of a stored operand: {@code [rows, cols]}, swapped when it is transposed. */
    private static long[] matrix(long[] batch, long rows, long cols, boolean transposed) {
        long[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = transposed ? cols : rows;
        s[batch.length + 1] = transposed ? rows : cols;
        return s;
    }

    @ParameterizedTest
    @MethodSource("transposes")
    void matmulOfMatrices(boolean ta, boolean tb) {
        Random r = new Random(ta ? (tb ? 3 : 2) : (tb ? 1 : 0));
        check(
                "matmul_" + ta + "_" + tb,
                (b, x) -> b.add(new MatMul(ta, tb), x.get(0), x.get(1)),
                arg(uniform(r, matrix(new long[0], 3, 4, ta), -1, 1)),
                arg(uniform(r, matrix(new long[0], 4, 2, tb), -1, 1)));
    }

    /** Batch axes [2,1] against [3]: a's size-1 axis and b's missing axis are both broadcast. */
    @ParameterizedTest
    @MethodSource("transposes")
    void matmulWithBroadcastBatchAxes(boolean ta, boolean tb) {
        Random r = new Random(10 + (ta ? 2 : 0) + (tb ? 1 : 0));
        check(
                "matmul_batch_" + ta + "_" + tb,
                (b, x) -> b.add(new MatMul(ta, tb), x.get(0), x.get(1)),
                arg(uniform(r, matrix(shape(2, 1), 3, 4, ta), -1, 1)),
                arg(uniform(r, matrix(shape(3), 4, 2, tb), -1, 1)));
    }

    @Test
    void matmulOfAMatrixAndABatch() {
        Random r = new Random(20);
        check(
                "matmul_matrix_batch",
                (b, x) -> b.add(new MatMul(false, false), x.get(0), x.get(1)),
                arg(uniform(r, shape(3, 4), -1, 1)),
                arg(uniform(r, shape(2, 4, 2), -1, 1)));
    }

    private static Conv2d conv(long sh, long sw, List<Long> padding, long dh, long dw, long groups) {
        return new Conv2d(List.of(sh, sw), padding, List.of(dh, dw), groups);
    }

    @Test
    void conv2dPlain() {
        Random r = new Random(30);
        Conv2d cv = conv(1, 1, List.of(0L, 0L, 0L, 0L), 1, 1, 1);
        check(
                "conv2d_plain",
                (b, x) -> b.add(cv, x.get(0), x.get(1)),
                arg(uniform(r, shape(2, 3, 5, 4), -1, 1)),
                arg(uniform(r, shape(2, 3, 3, 2), -1, 1)));
    }

    /** Stride 2 leaves the last input row unread: its gradient must be exactly 0. */
    @Test
    void conv2dStrideTwoWithPadding() {
        Random r = new Random(31);
        Conv2d cv = conv(2, 2, List.of(1L, 0L, 2L, 1L), 1, 1, 1);
        check(
                "conv2d_stride2",
                (b, x) -> b.add(cv, x.get(0), x.get(1)),
                arg(uniform(r, shape(2, 2, 7, 5), -1, 1)),
                arg(uniform(r, shape(3, 2, 3, 3), -1, 1)));
    }

    @Test
    void conv2dDilated() {
        Random r = new Random(32);
        Conv2d cv = conv(1, 2, List.of(1L, 1L, 0L, 0L), 2, 1, 1);
        check(
                "conv2d_dilated",
                (b, x) -> b.add(cv, x.get(0), x.get(1)),
                arg(uniform(r, shape(1, 2, 6, 6), -1, 1)),
                arg(uniform(r, shape(2, 2, 2, 3), -1, 1)));
    }

    @Test
    void conv2dTwoGroupsWithEverything() {
        Random r = new Random(33);
        Conv2d cv = conv(2, 1, List.of(1L, 1L, 0L, 2L), 1, 2, 2);
        check(
                "conv2d_groups",
                (b, x) -> b.add(cv, x.get(0), x.get(1)),
                arg(uniform(r, shape(2, 4, 6, 5), -1, 1)),
                arg(uniform(r, shape(6, 2, 3, 2), -1, 1)));
    }

    /** Channels last: the gradients are NHWC backprop ops (input [N,H,W,C], filter [O,KH,KW,C/groups]). */
    @Test
    void conv2dNhwcTwoGroupsStrided() {
        Random r = new Random(34);
        Conv2d cv = new Conv2d(List.of(2L, 1L), List.of(1L, 1L, 0L, 2L), List.of(1L, 2L), 2, Layout.NHWC);
        check(
                "conv2d_nhwc",
                (b, x) -> b.add(cv, x.get(0), x.get(1)),
                arg(uniform(r, shape(2, 6, 5, 4), -1, 1)),
                arg(uniform(r, shape(6, 3, 2, 2), -1, 1)));
    }

    @ParameterizedTest
    @EnumSource(PoolKind.class)
    void pool2dNhwc(PoolKind kind) {
        Pool2d p = new Pool2d(kind, List.of(3L, 2L), List.of(1L, 2L), List.of(1L, 1L, 1L, 0L), Layout.NHWC);
        check(
                "pool_nhwc_" + kind.mnemonic(),
                (b, x) -> b.add(p, x.get(0)),
                arg(distinct(new Random(60 + kind.ordinal()), shape(1, 5, 6, 2), 0.01)));
    }

    /** Distinct inputs 0.01 apart: every window has one maximum, far beyond the finite-difference step. */
    @ParameterizedTest
    @EnumSource(PoolKind.class)
    void pool2dNonOverlapping(PoolKind kind) {
        Pool2d p = new Pool2d(kind, List.of(2L, 2L), List.of(2L, 2L), List.of(0L, 1L, 1L, 0L));
        check(
                "pool_" + kind.mnemonic() + "_2x2",
                (b, x) -> b.add(p, x.get(0)),
                arg(distinct(new Random(40 + kind.ordinal()), shape(2, 2, 5, 5), 0.01)));
    }

    /** Overlapping windows: an input element can be the maximum of several windows, and gets each one's gradient. */
    @ParameterizedTest
    @EnumSource(PoolKind.class)
    void pool2dOverlappingPadded(PoolKind kind) {
        Pool2d p = new Pool2d(kind, List.of(3L, 2L), List.of(1L, 2L), List.of(1L, 1L, 1L, 0L));
        check(
                "pool_" + kind.mnemonic() + "_3x2",
                (b, x) -> b.add(p, x.get(0)),
                arg(distinct(new Random(50 + kind.ordinal()), shape(1, 2, 5, 6), 0.01)));
    }
}
