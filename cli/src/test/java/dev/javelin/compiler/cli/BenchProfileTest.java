package dev.javelin.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.codegen.cuda.CudaCodegen;
import dev.javelin.compiler.report.BenchRun;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cuda.CudaLaunch;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The kernel profile's bookkeeping, without a GPU: launch times (one per CUDA launch, several per
 * plan kernel) summed into their plan kernels, and per-kernel totals turned into mean times per
 * step with the plan's FLOPs and bytes.
 */
class BenchProfileTest {
    /**
     * A softmax over columns: its division runs row-wise over values each column's reduction
     * produced, a device-wide dependency, so the kernel takes more than one launch.
     */
    private static Plan softmaxAfterMatmul() {
        GraphBuilder b = new GraphBuilder("profiled");
        Value x = b.input("x", TensorType.of(DType.F32, 4, 8));
        Value w = b.input("w", TensorType.of(DType.F32, 8, 6));
        Value h = b.matmul(x, w);
        Value e = b.unary(UnaryFn.EXP, b.binary(BinaryFn.SUB, h, b.reduce(ReduceFn.MAX, h, true, 0)));
        b.output("y", b.binary(BinaryFn.DIV, e, b.reduce(ReduceFn.SUM, e, true, 0)));
        return Pipeline.compile(b.build(), Map.of(), PassOptions.defaults()).plan();
    }

    @Test
    void launchTimesAddUpPerPlanKernelAndToTheStep() {
        Plan plan = softmaxAfterMatmul();
        List<CudaLaunch> launches = CudaCodegen.generate(plan).launches().stream()
                .filter(l -> !l.loadTime())
                .toList();
        assertTrue(launches.size() > plan.kernels().size(), "the column softmax takes several launches: " + launches);
        long[] nanos = new long[launches.size()];
        for (int l = 0; l < nanos.length; l++) {
            nanos[l] = 1000L * (l + 1);
        }
        long[] perKernel = new long[plan.kernels().size()];
        long total = 0;
        for (int run = 0; run < 2; run++) {
            total += CudaBench.addPerKernel(plan, launches, nanos, perKernel);
        }
        long expectedStep = 1000L * nanos.length * (nanos.length + 1) / 2;
        assertEquals(2 * expectedStep, total);
        for (int k = 0; k < plan.kernels().size(); k++) {
            String name = plan.kernels().get(k).name();
            long want = 0;
            for (int l = 0; l < launches.size(); l++) {
                want += launches.get(l).kernel().equals(name) ? 2 * nanos[l] : 0;
            }
            assertEquals(want, perKernel[k], name);
        }

        List<BenchRun.KernelTime> times = BenchCommand.kernelTimes(plan, perKernel, 2);
        assertEquals(plan.kernels().size(), times.size());
        double sumMs = 0;
        for (int k = 0; k < times.size(); k++) {
            Kernel kernel = plan.kernels().get(k);
            BenchRun.KernelTime t = times.get(k);
            assertEquals(kernel.name(), t.name());
            assertEquals(kernel.kind().text(), t.kind());
            assertEquals(kernel.flops(), t.flops());
            assertEquals(kernel.bytesRead() + kernel.bytesWritten(), t.bytes());
            assertEquals(perKernel[k] / 2 / 1e6, t.ms(), 1e-12);
            sumMs += t.ms();
        }
        assertEquals(expectedStep / 1e6, sumMs, 1e-12);

        StringWriter text = new StringWriter();
        BenchCommand.printProfile(new PrintWriter(text, true), "fused", sumMs, times, 12, null);
        assertTrue(
                text.toString().contains("inside its " + times.size() + " kernels, 100.0% of the "), text.toString());
    }

    @Test
    void aLaunchOfAnotherPlanIsAnErrorNamingIt() {
        Plan plan = softmaxAfterMatmul();
        List<CudaLaunch> stray = List.of(new CudaLaunch("k99", "k99_s0", 1, 1, 1, 32, 1, 1, 0, false));
        IllegalStateException e = assertThrows(
                IllegalStateException.class,
                () -> CudaBench.addPerKernel(
                        plan, stray, new long[] {5}, new long[plan.kernels().size()]));
        assertTrue(
                e.getMessage().contains("k99_s0 (kernel k99") && e.getMessage().contains("plan profiled"),
                e.getMessage());
    }
}
