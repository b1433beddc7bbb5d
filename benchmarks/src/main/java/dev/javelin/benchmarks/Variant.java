package dev.javelin.benchmarks;

import dev.javelin.compiler.cpu.CpuBackend;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.util.Locale;
import java.util.Map;

/**
 * One form of a graph compiled for the CPU backend with its feeds set, and what a step of it costs
 * in memory traffic: the kernels it runs and the bytes they read and write (load-time kernels, such
 * as a weight's packing, left out, as they run once).
 */
public record Variant(String form, Graph graph, CpuExecutor executor, int kernels, long bytes) {
    public static final String FUSED = "fused";
    public static final String UNFUSED = "unfused";

    /** Compiles {@code g} fused or unfused (the fusion pass switched off), classes cached on disk. */
    public static Variant compile(Graph g, String form, Map<String, NdArray> feeds, CpuPool pool) {
        PassOptions options = switch (form) {
            case FUSED -> PassOptions.defaults();
            case UNFUSED -> PassOptions.defaults().withDisabled(Pipeline.FUSE);
            default ->
                throw new IllegalArgumentException(
                        "form must be " + FUSED + " or " + UNFUSED + ", found '" + form + "'");
        };
        Plan plan = Pipeline.compile(g, Map.of(), options).plan();
        CpuExecutor ex = CpuBackend.compile(plan, CpuBackend.defaultCacheDir(), line -> {})
                .executor(pool);
        Feeds.setAll(ex, g, feeds);
        return new Variant(form, g, ex, ex.layout().stepKernels(), ex.layout().stepBytes());
    }

    /** The other form's name. */
    public static String other(String form) {
        return form.equals(FUSED) ? UNFUSED : FUSED;
    }

    /**
     * Runs one step of this and of {@code reference} and fails, naming the output and element, where
     * they differ by more than {@code tolerance} relative to the largest magnitude of that output
     * (at least 1). Returns the largest such relative difference.
     */
    public double requireAgreement(Variant reference, double tolerance) {
        executor.run();
        reference.executor.run();
        double worst = 0;
        for (Output o : graph.outputs()) {
            float[] got = executor.get("output", o.name());
            float[] want = reference.executor.get("output", o.name());
            double[] wanted = new double[want.length];
            for (int i = 0; i < want.length; i++) {
                wanted[i] = want[i];
            }
            worst = Math.max(
                    worst, requireClose(o.name(), wanted, got, tolerance, form + " against " + reference.form));
        }
        return worst;
    }

    /**
     * The largest difference between {@code got} and {@code want} relative to the largest magnitude of
     * {@code want} (at least 1); fails naming {@code what}, the element and {@code where} if it exceeds
     * {@code tolerance} or a NaN meets a number.
     */
    public static double requireClose(String what, double[] want, float[] got, double tolerance, String where) {
        if (want.length != got.length) {
            throw new IllegalStateException(
                    what + ": expected " + want.length + " elements, found " + got.length + " (" + where + ")");
        }
        double scale = 1;
        for (double w : want) {
            if (Double.isFinite(w)) {
                scale = Math.max(scale, Math.abs(w));
            }
        }
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double d = Math.abs(want[i] - got[i]) / scale;
            boolean same = Double.isNaN(want[i]) ? Float.isNaN(got[i]) : d <= tolerance || want[i] == got[i];
            if (!same) {
                throw new IllegalStateException(String.format(
                        Locale.ROOT,
                        "%s[%d]: expected %s, found %s (relative difference %.2e, tolerance %.0e; %s)",
                        what,
                        i,
                        want[i],
                        got[i],
                        d,
                        tolerance,
                        where));
            }
            if (want[i] != got[i]) {
                worst = Math.max(worst, d);
            }
        }
        return worst;
    }
}
