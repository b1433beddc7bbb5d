package dev.javelin.ir.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.type.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a kernel of several loops that writes over one of its reads must copy that read first. */
class HazardsTest {
    private static final Ref MEMORY = new Ref("m", DType.F32, Ref.Kind.MEMORY, false);
    private static final long[] LOOP = {1000};

    /** Two buffers of 1000 floats the planner put at the same bytes: {@code grad} dies where {@code w} is written. */
    private static final Place GRAD = Place.dense(MEMORY, 0, LOOP);

    private static final Place W = Place.dense(MEMORY.asProduced(), 0, LOOP);
    private static final Place OTHER_GRAD = Place.dense(MEMORY, 4096, LOOP);
    private static final Place OTHER_W = Place.dense(MEMORY.asProduced(), 4096, LOOP);
    private static final Place WEIGHT = Place.dense(new Ref("m", DType.F32, Ref.Kind.MEMORY, false), 8192, LOOP);

    private static Affine i(long shift) {
        return new Affine(shift, new long[] {1});
    }

    private static Expr load(Place p, long shift) {
        return new Expr.Load(p.ref(), i(p.base() + shift));
    }

    private static Stage.Pointwise update(Place to, Place grad, long shift) {
        Expr v = new Expr.Binary(dev.javelin.ir.op.BinaryFn.SUB, load(WEIGHT, 0), load(grad, shift), DType.F32);
        return new Stage.Pointwise(LOOP, List.of(new Stage.Store(to.ref(), i(to.base()), v)));
    }

    /** An optimizer's multi-tensor update: each tensor's loop reads its gradient where it writes the weight. */
    @Test
    void aLoopPerTensorReadingWhereItWritesNeedsNoCopy() {
        List<Stage> stages = List.of(update(W, GRAD, 0), update(OTHER_W, OTHER_GRAD, 0));
        assertFalse(Hazards.readsAfterOverwrite(stages, GRAD, W));
        assertFalse(Hazards.readsAfterOverwrite(stages, OTHER_GRAD, OTHER_W));
    }

    /** A later loop reading the overwritten buffer would see new values. */
    @Test
    void aLaterLoopReadingTheOverwrittenBufferNeedsACopy() {
        List<Stage> stages = List.of(update(W, GRAD, 0), update(OTHER_W, GRAD, 0));
        assertTrue(Hazards.readsAfterOverwrite(stages, GRAD, W));
    }

    /** The loop that stores reads a neighbouring element: iteration i+1 would read what i wrote. */
    @Test
    void readingAnotherElementInTheStoringLoopNeedsACopy() {
        List<Stage> stages = List.of(update(W, GRAD, 1), update(OTHER_W, OTHER_GRAD, 0));
        assertTrue(Hazards.readsAfterOverwrite(stages, GRAD, W));
    }

    /** Reads before the first store see the old values, whatever their index. */
    @Test
    void readsBeforeTheFirstStoreAreSafe() {
        List<Stage> stages = List.of(update(OTHER_W, GRAD, 1), update(W, OTHER_GRAD, 0));
        assertFalse(Hazards.readsAfterOverwrite(stages, GRAD, W));
    }

    /** A backend's custom stage (a library call) may read anything: assume it reads the overwritten buffer. */
    @Test
    void aCustomStageCountsAsReadingEverything() {
        Stage custom = (Stage.Custom) () -> "a library call";
        assertTrue(Hazards.readsAfterOverwrite(List.of(custom, update(W, GRAD, 0)), GRAD, W));
        assertTrue(Hazards.readsAfterOverwrite(List.of(update(W, GRAD, 0), custom), GRAD, W));
    }

    /** A scalar counter (one element at 8192) updated in place, and a loop that reads its old value. */
    private static final Place COUNTER = Place.dense(MEMORY, 8192, new long[] {});

    private static final Place COUNTER_NEW = Place.dense(MEMORY.asProduced(), 8192, new long[] {});

    private static Stage.Pointwise increment() {
        Expr v = new Expr.Binary(
                dev.javelin.ir.op.BinaryFn.ADD,
                new Expr.Load(MEMORY, new Affine(8192, new long[] {})),
                new Expr.Literal(DType.F32, 1),
                DType.F32);
        return new Stage.Pointwise(
                new long[] {}, List.of(new Stage.Store(MEMORY.asProduced(), new Affine(8192, new long[] {}), v)));
    }

    /** Scales W by the counter: reads the counter's old value (or, with {@code produced}, its new one). */
    private static Stage.Pointwise scaleByCounter(boolean produced) {
        Ref counter = produced ? MEMORY.asProduced() : MEMORY;
        Expr v = new Expr.Binary(
                dev.javelin.ir.op.BinaryFn.MUL,
                load(WEIGHT, 0),
                new Expr.Load(counter, new Affine(8192, new long[] {0})),
                DType.F32);
        return new Stage.Pointwise(LOOP, List.of(new Stage.Store(W.ref(), i(W.base()), v)));
    }

    @Test
    void anUpdateReadByALaterLoopMovesLastInsteadOfBeingCopied() {
        List<Stage> stages = List.of(increment(), scaleByCounter(false));
        assertTrue(Hazards.readsAfterOverwrite(stages, COUNTER, COUNTER_NEW));
        List<Stage> sunk = Hazards.sinkStores(stages, List.of(COUNTER_NEW));
        assertEquals(List.of(stages.get(1), stages.get(0)), sunk);
        assertFalse(Hazards.readsAfterOverwrite(sunk, COUNTER, COUNTER_NEW));
    }

    @Test
    void anUpdateWhoseNewValueALaterLoopReadsStaysFirst() {
        List<Stage> stages = List.of(increment(), scaleByCounter(true));
        assertNull(Hazards.sinkStores(stages, List.of(COUNTER_NEW)));
    }
}
