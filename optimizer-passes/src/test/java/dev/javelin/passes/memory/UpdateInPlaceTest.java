package dev.javelin.passes.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.ir.plan.Storage;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.PassContext;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** New parameter values written into the parameters' own memory, and when they must not be. */
class UpdateInPlaceTest {
    /** SGD with momentum on two parameters, the new velocity also an output. */
    private static Graph momentum() {
        GraphBuilder g = new GraphBuilder("momentum");
        Value p = g.parameter("p", TensorType.of(DType.F32, 3, 5));
        Value v = g.parameter("v", TensorType.of(DType.F32, 3, 5));
        Value grad = g.input("g", TensorType.of(DType.F32, 3, 5));
        Value v2 = g.binary(BinaryFn.ADD, g.binary(BinaryFn.MUL, v, g.scalar(DType.F32, 0.9)), grad);
        g.assign(v, v2);
        g.assign(p, g.binary(BinaryFn.SUB, p, g.binary(BinaryFn.MUL, v2, g.scalar(DType.F32, 0.1))));
        g.output("v2", v2);
        return g.build();
    }

    private static NdArray ramp(double scale) {
        NdArray a = NdArray.zeros(DType.F32, 3, 5);
        for (int i = 0; i < a.size(); i++) {
            a.set(i, scale * (i - 7));
        }
        return a;
    }

    @Test
    void everyNewValueGoesIntoItsParameterAndTheNumbersStay() {
        Graph g = momentum();
        var c = Pipeline.compile(g, Map.of(), PassOptions.verifying());
        Plan plan = c.plan();
        long updates = plan.buffers().stream()
                .filter(b -> b.storage() == Storage.UPDATE)
                .count();
        assertEquals(2, updates);
        assertEquals(0, plan.arenaBytes(), "no new value takes arena memory");
        Map<String, NdArray> feeds = Map.of("p", ramp(0.5), "v", ramp(0.25), "g", ramp(-1));
        var want = Interpreter.run(g, feeds);
        var got = PlanInterpreter.run(plan, feeds);
        for (String name : want.updatedParameters().keySet()) {
            assertEquals(
                    want.updatedParameters().get(name).toString(),
                    got.updatedParameters().get(name).toString(),
                    name);
        }
        assertEquals(
                want.outputs().get("v2").toString(), got.outputs().get("v2").toString());
    }

    /** The update (k0) and a kernel reading the parameter, in the given order. */
    private static Plan twoKernels(boolean updateFirst) {
        String update = """
                  kernel k0_neg pointwise reads(%p) writes(%n) flops=4 bytes_read=16 bytes_written=16 {
                    %n = neg(%p) : f32[4]
                  }
                """;
        String read = """
                  kernel k1_exp pointwise reads(%p) writes(%o) flops=4 bytes_read=16 bytes_written=16 {
                    %o = exp(%p) : f32[4]
                  }
                """;
        return PlanParser.parse("plan late {\n  arena 512\n  buffer %p : f32[4] parameter\n"
                + "  buffer %n : f32[4] arena 0\n  buffer %o : f32[4] arena 256\n"
                + (updateFirst ? update + read : read + update)
                + "  parameter p = %p\n  output o = %o\n  assign p = %n\n}\n");
    }

    /** A kernel after the update still reads the old value: the assign keeps its copy. */
    @Test
    void aReadOfTheOldValueAfterTheUpdateKeepsTheCopy() {
        PassContext ctx = new PassContext();
        Plan out = UpdateInPlace.plan(twoKernels(true), ctx);
        assertEquals(Storage.ARENA, out.buffer("n").storage());
        assertEquals(Map.of("updates", 0L, "kept", 1L), ctx.counters());
    }

    /** The same kernels with the read first: the update goes into the parameter. */
    @Test
    void theSameUpdateAfterEveryReadGoesInPlace() {
        PassContext ctx = new PassContext();
        Plan out = UpdateInPlace.plan(twoKernels(false), ctx);
        assertEquals(Storage.UPDATE, out.buffer("n").storage());
        assertEquals(Map.of("updates", 1L, "kept", 0L), ctx.counters());
    }
}
