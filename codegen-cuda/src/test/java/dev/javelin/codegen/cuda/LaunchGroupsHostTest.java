package dev.javelin.codegen.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.codegen.cuda.host.HostHarness;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.plan.Binding;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.runtime.cuda.CudaExecutor;
import dev.javelin.runtime.cuda.CudaProgram;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every way stages share a launch computes what the stages computed apart: each plan of {@link
 * GroupPlans} generated as CUDA, run on the CPU by the host-execution harness (real barriers and
 * warp shuffles), against the plan interpreter in float64. Grid-stride loops are capped at 4 blocks
 * (16 for rows), so threads walk several elements, blocks several rows, and block ranges are short.
 */
class LaunchGroupsHostTest {
    private static final long HOST_GRID = 4;

    @BeforeAll
    static void needsTheHarness() {
        Assumptions.assumeTrue(
                HostHarness.available(), "the CUDA host harness cannot run here: " + HostHarness.unavailableReason());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "EPILOGUE, 1",
        "EPILOGUE_BATCHED_KEPT, 1",
        "EPILOGUE_TRANSPOSED, 2",
        "ROWS, 2",
        "ROWS_ACROSS, 2",
        "RANGES, 1",
        "WINDOWS, 2"
    })
    void groupedLaunchesMatchThePlanInterpreter(String name, int launches) throws ReflectiveOperationException {
        Plan plan = PlanParser.parse(
                (String) GroupPlans.class.getDeclaredField(name).get(null));
        CudaProgram program = CudaCodegen.generate(plan, HOST_GRID);
        assertEquals(launches, program.launches().size(), program.source());
        Map<String, NdArray> feeds = feeds(plan, name.hashCode());
        Interpreter.Result want = PlanInterpreter.run(plan, feeds);
        try (CudaExecutor ex = new CudaExecutor(
                program,
                HostHarness.compile(program.source()).runner(program.layout().memoryBytes()))) {
            for (Binding b : plan.bindings(Binding.Role.INPUT)) {
                ex.set("input", b.name(), floats(feeds.get(b.name())));
            }
            for (Binding b : plan.bindings(Binding.Role.PARAMETER)) {
                ex.set("parameter", b.name(), floats(feeds.get(b.name())));
            }
            ex.run();
            want.outputs().forEach((n, v) -> assertClose(name + " output " + n, v, ex.get("output", n)));
            want.updatedParameters().forEach((n, v) -> assertClose(name + " updated " + n, v, ex.get("parameter", n)));
        }
    }

    private static Map<String, NdArray> feeds(Plan plan, long seed) {
        Random random = new Random(seed);
        Map<String, NdArray> feeds = new HashMap<>();
        for (Binding.Role role : new Binding.Role[] {Binding.Role.INPUT, Binding.Role.PARAMETER}) {
            for (Binding b : plan.bindings(role)) {
                long[] shape = plan.buffer(b.buffer()).type().shape().sizes();
                double[] values =
                        new double[(int) plan.buffer(b.buffer()).type().shape().numel()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * 2);
                }
                feeds.put(b.name(), NdArray.of(DType.F32, shape, values));
            }
        }
        return feeds;
    }

    private static float[] floats(NdArray a) {
        float[] out = new float[(int) a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.get(i);
        }
        return out;
    }

    /** Relative 1e-4 (products, sums and exp in fp32), against the largest magnitude of the result. */
    private static void assertClose(String what, NdArray want, float[] got) {
        assertEquals(want.size(), got.length, what + ": element count");
        double scale = 1e-30;
        for (int i = 0; i < got.length; i++) {
            scale = Math.max(scale, Math.abs(want.get(i)));
        }
        for (int i = 0; i < got.length; i++) {
            assertTrue(
                    Math.abs(want.get(i) - got[i]) <= 1e-4 * scale,
                    what + "[" + i + "]: want " + want.get(i) + ", got " + got[i]);
        }
    }
}
