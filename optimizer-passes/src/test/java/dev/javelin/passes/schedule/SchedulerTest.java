package dev.javelin.passes.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.text.Parser;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scheduler finishes one branch before starting the next when that lowers the live peak. */
class SchedulerTest {
    // Two 16 KiB temporaries, each reduced to a scalar. In graph order both are live at once.
    private static final Graph TWO_BRANCHES = Parser.parse("""
            graph g {
              %x = input : f32[64,64]
              %0 = exp(%x) : f32[64,64]
              %1 = neg(%x) : f32[64,64]
              %2 = reduce_sum(%0) {axes=[0,1], keep_dims=false} : f32[]
              %3 = reduce_sum(%1) {axes=[0,1], keep_dims=false} : f32[]
              %4 = add(%2, %3) : f32[]
              output y = %4
            }
            """);

    private static Compilation unfused(String... alsoOff) {
        String[] off = new String[alsoOff.length + 1];
        off[0] = Pipeline.FUSE;
        System.arraycopy(alsoOff, 0, off, 1, alsoOff.length);
        return Pipeline.compile(TWO_BRANCHES, Map.of(), PassOptions.verifying().withDisabled(off));
    }

    @Test
    void oneBranchIsReducedBeforeTheOtherStarts() {
        Compilation c = unfused();
        assertEquals(
                "[k0_exp, k1_reduce_sum, k2_neg, k3_reduce_sum, k4_add]",
                c.plan().kernels().stream().map(Kernel::name).toList().toString());
        assertEquals(2 * 16384 + 256, c.run(Pipeline.SCHEDULE).counter("live-peak-before"));
        assertEquals(16384 + 512, c.run(Pipeline.SCHEDULE).counter("live-peak-after"));
        assertEquals(16384 + 512, c.memory().peakBytes());
        var feeds = RandomGraphs.feeds(TWO_BRANCHES, 3, 1);
        assertEquals(Interpreter.run(TWO_BRANCHES, feeds), PlanInterpreter.run(c.plan(), feeds));
    }

    @Test
    void switchedOffTheGraphOrderStays() {
        Compilation c = unfused(Pipeline.SCHEDULE);
        assertEquals(
                "[k0_exp, k1_neg, k2_reduce_sum, k3_reduce_sum, k4_add]",
                c.plan().kernels().stream().map(Kernel::name).toList().toString());
        assertEquals(2 * 16384 + 256, c.memory().peakBytes());
    }
}
