package dev.javelin.models.bench;

import dev.javelin.dsl.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the JSON results of {@link SgemmBench} and {@link MnistStepBench} (JMH's {@code -rf json})
 * into GFLOP/s per GEMM, the ratio Javelin / OpenBLAS per shape (both in the same JVM), and the
 * training step's effective rate against OpenBLAS's 1024³ rate of the same run.
 */
public final class SgemmReport {
    private SgemmReport() {}

    public static void main(String[] args) throws IOException {
        Object parsed = Json.parse(Files.readString(Path.of(args[0])), args[0]);
        Map<String, double[]> byShape = new TreeMap<>();
        Map<Integer, Double> steps = new TreeMap<>();
        for (Object o : (List<?>) parsed) {
            Map<?, ?> r = (Map<?, ?>) o;
            String bench = (String) r.get("benchmark");
            if (bench.endsWith(".trainStep")) {
                int batch = Integer.parseInt((String) ((Map<?, ?>) r.get("params")).get("batch"));
                double micros = ((Number) ((Map<?, ?>) r.get("primaryMetric")).get("score")).doubleValue();
                steps.put(batch, MnistStepBench.flops(batch) / micros / 1e3);
                continue;
            }
            String shape = (String) ((Map<?, ?>) r.get("params")).get("shape");
            Map<?, ?> metric = (Map<?, ?>) r.get("primaryMetric");
            double micros = ((Number) metric.get("score")).doubleValue();
            String[] p = shape.split("x");
            double flops = 2.0 * Double.parseDouble(p[0]) * Double.parseDouble(p[1]) * Double.parseDouble(p[2]);
            double gflops = flops / micros / 1e3;
            double[] row = byShape.computeIfAbsent(shape, s -> new double[2]);
            row[bench.endsWith(".javelin") ? 0 : 1] = gflops;
        }
        System.out.printf(Locale.ROOT, "%-16s %12s %12s %8s%n", "m x k x n", "javelin", "openblas", "ratio");
        byShape.forEach((shape, r) ->
                System.out.printf(Locale.ROOT, "%-16s %8.1f GF/s %8.1f GF/s %8.2f%n", shape, r[0], r[1], r[0] / r[1]));
        double[] square = byShape.get("1024x1024x1024");
        steps.forEach((batch, gflops) -> System.out.printf(
                Locale.ROOT,
                "mnist-mlp Adam training step, batch %d: %.1f GFLOP/s effective%s%n",
                batch,
                gflops,
                square == null
                        ? ""
                        : String.format(
                                Locale.ROOT, ", %.2fx OpenBLAS's 1024^3 rate in this run", gflops / square[1])));
    }
}
