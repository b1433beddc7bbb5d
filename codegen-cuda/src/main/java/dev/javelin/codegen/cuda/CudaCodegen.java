package dev.javelin.codegen.cuda;

import dev.javelin.codegen.loops.KernelBuilder;
import dev.javelin.codegen.loops.Layouts;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.kernel.KernelInterpreter;
import dev.javelin.ir.kernel.KernelText;
import dev.javelin.ir.kernel.Stage;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanVerifier;
import dev.javelin.ir.text.Printer;
import dev.javelin.runtime.cuda.CudaLaunch;
import dev.javelin.runtime.cuda.CudaProgram;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Plan → one CUDA C source. Each plan kernel is lowered to stages (the shared loop lowering), the
 * stages are grouped into launches ({@link LaunchGroups}: a template with its epilogue, stages over
 * the same rows, independent stages) and each group becomes one {@code extern "C" __global__}
 * function named {@code <kernel>_s<n>}; a plan kernel launches more than one only where a
 * device-wide dependency (one stage reading what another block of an earlier stage wrote) needs
 * a launch boundary. Each kernel's functions open with a comment listing the IR nodes it
 * implements (with their DSL lines). Every function takes the program's memory block, {@code char*
 * m}; shapes are compiled in (a new batch size is a new program, as on the CPU backend). The source
 * needs no header, so NVRTC, nvcc and the host-execution harness compile it as it is.
 */
public final class CudaCodegen {
    private CudaCodegen() {}

    /** Most blocks a grid-stride loop launches by default: enough to fill an H100 several times over. */
    public static final long MAX_GRID = 8192;

    public static CudaProgram generate(Plan plan) {
        return generate(plan, MAX_GRID);
    }

    /** Every kernel of {@code plan} lowered as this backend lowers it, with the layout it assumes. */
    public static KernelInterpreter.Lowered lower(Plan plan) {
        PlanVerifier.verify(plan);
        return KernelBuilder.lowerAll(new CudaContext(plan, MAX_GRID));
    }

    /** The kernel IR of every kernel of {@code plan} as this backend lowers it ({@link KernelText}). */
    public static String kernelText(Plan plan) {
        return KernelText.print(plan, lower(plan));
    }

    /**
     * As {@link #generate(Plan)} with grid-stride loops capped at {@code maxGrid} blocks. The source is
     * the same for any cap (the loops stride by {@code gridDim}); only the launches change. The host
     * harness runs programs with a small cap, because it pays for every block.
     */
    public static CudaProgram generate(Plan plan, long maxGrid) {
        if (maxGrid < 1) {
            throw new IllegalArgumentException("maxGrid must be at least 1, found " + maxGrid);
        }
        PlanVerifier.verify(plan);
        CudaContext ctx = new CudaContext(plan, maxGrid);
        CudaStagePrinter printer = new CudaStagePrinter(ctx);
        StringBuilder kernels = new StringBuilder();
        List<CudaLaunch> launches = new ArrayList<>();
        CudaGroupPrinter groups = new CudaGroupPrinter(ctx);
        for (Kernel kernel : plan.kernels()) {
            List<CudaFunction> functions = new ArrayList<>();
            List<Stage> stages = new KernelBuilder(ctx, kernel).build();
            for (LaunchGroups.Group g : LaunchGroups.of(stages, ctx.memory().kernelScratch())) {
                functions.add(
                        switch (g) {
                            case LaunchGroups.Single(Stage.Pointwise p) -> printer.pointwise(p);
                            case LaunchGroups.Single(Stage.Reduce r) -> printer.reduce(r);
                            case LaunchGroups.Single(ElementTemplate t) -> t.render(ctx, null);
                            case LaunchGroups.Single(CudaFunction c) -> c;
                            case LaunchGroups.Single(Stage.Custom c) ->
                                throw new IllegalStateException("a stage the CUDA backend did not make: " + c);
                            case LaunchGroups.Fused f -> f.template().render(ctx, f.epilogue());
                            case LaunchGroups.Rows r -> groups.rows(r);
                            case LaunchGroups.Ranges r -> groups.ranges(r);
                        });
            }
            kernels.append("\n// ")
                    .append(kernel.name())
                    .append(": ")
                    .append(kernel.kind().text());
            kernels.append(" kernel, ")
                    .append(functions.size())
                    .append(functions.size() == 1 ? " launch" : " launches");
            kernels.append("; IR nodes:\n");
            for (Node n : kernel.body()) {
                kernels.append("//   ")
                        .append(Printer.node(n).replace("\n", " "))
                        .append('\n');
            }
            for (int s = 0; s < functions.size(); s++) {
                String name = kernel.name() + "_s" + s;
                CudaFunction f = functions.get(s);
                kernels.append("// ")
                        .append(name)
                        .append(": ")
                        .append(f.comment().replace("\n", " "))
                        .append('\n');
                kernels.append(f.source().replace(CudaFunction.NAME, name));
                launches.add(new CudaLaunch(
                        kernel.name(),
                        name,
                        (int) f.gridX(),
                        f.gridY(),
                        f.gridZ(),
                        f.block(),
                        1,
                        1,
                        f.sharedBytes(),
                        plan.isLoadTime(kernel)));
            }
        }
        boolean wide = ctx.memory().bytes() >= Integer.MAX_VALUE;
        StringBuilder source = new StringBuilder();
        source.append("// Generated by Javelin's CUDA code generator from plan ")
                .append(plan.name());
        source.append(". Do not edit.\n");
        source.append("// Memory block: ")
                .append(ctx.memory().bytes())
                .append(" bytes; every kernel takes its base.\n");
        source.append("typedef ").append(wide ? "long long" : "int").append(" jv_idx;\n\n");
        source.append(prelude());
        source.append(kernels);
        source.append("\n#ifdef JAVELIN_HOST\nJAVELIN_HOST_KERNELS(");
        launches.stream()
                .map(CudaLaunch::function)
                .distinct()
                .forEach(f -> source.append("JAVELIN_KERNEL(").append(f).append(") "));
        source.append(")\n#endif\n");
        return new CudaProgram(
                Layouts.of(plan, ctx.memory()),
                source.toString(),
                launches,
                ctx.fills(),
                ctx.statusOffset(),
                ctx.checks());
    }

    private static String prelude() {
        try (InputStream in = CudaCodegen.class.getResourceAsStream("prelude.cu")) {
            if (in == null) {
                throw new IllegalStateException("prelude.cu is missing from the codegen-cuda jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
