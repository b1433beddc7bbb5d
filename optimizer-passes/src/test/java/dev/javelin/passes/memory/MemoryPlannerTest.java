package dev.javelin.passes.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanVerifier;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.passes.lower.UnfusedLowering;
import dev.javelin.passes.pipeline.PassContext;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Best fit reuses the memory of dead buffers, in-place writes reuse a dying read's; the three
 * numbers bracket the arena size.
 */
class MemoryPlannerTest {
    /** A chain of {@code n} negations of a 1 KiB tensor: only two temporaries are ever live. */
    private static Graph chain(int n) {
        GraphBuilder b = new GraphBuilder("chain");
        Value v = b.input("x", TensorType.of(DType.F32, 256));
        for (int i = 0; i < n; i++) {
            v = b.unary(UnaryFn.NEG, v);
        }
        b.output("y", v);
        return b.build();
    }

    private static long distinctOffsets(Plan p) {
        return p.buffers().stream()
                .filter(x -> x.isPlaced())
                .map(x -> x.offset())
                .distinct()
                .count();
    }

    @Test
    void aChainRunsInPlaceInOneSlot() {
        PassContext ctx = new PassContext();
        Plan p = MemoryPlanner.plan(UnfusedLowering.lower(chain(10), Map.of()), true, ctx);
        PlanVerifier.verify(p);
        assertEquals(new MemoryNumbers(1024, 1024, 10 * 1024), MemoryNumbers.of(p));
        assertEquals(9, ctx.counters().get("in-place"));
        assertEquals(1, distinctOffsets(p));
    }

    @Test
    void withoutInPlaceAChainPingPongsBetweenTwoSlots() {
        Plan p = MemoryPlanner.plan(UnfusedLowering.lower(chain(10), Map.of()), false, new PassContext());
        PlanVerifier.verify(p);
        assertEquals(new MemoryNumbers(2048, 2048, 10 * 1024), MemoryNumbers.of(p));
        assertEquals(2, distinctOffsets(p));
    }

    @Test
    void smallBuffersFillGapsLeftByLargeOnes() {
        GraphBuilder b = new GraphBuilder("gaps");
        Value x = b.input("x", TensorType.of(DType.F32, 4, 256));
        Value big = b.unary(UnaryFn.EXP, x); // 4 KiB
        Value small = b.reduce(dev.javelin.ir.op.ReduceFn.SUM, big, false, 0); // 1 KiB, big dies here
        Value other = b.unary(UnaryFn.NEG, small); // 1 KiB, fits where big was
        b.output("y", other);
        Plan p = MemoryPlanner.plan(UnfusedLowering.lower(b.build(), Map.of()), false, new PassContext());
        PlanVerifier.verify(p);
        assertEquals(new MemoryNumbers(5120, 5120, 6144), MemoryNumbers.of(p));
        assertEquals(0, p.buffer(other.name()).offset());
    }
}
