package dev.javelin.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.cli.JavelinCli;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code javelin train --model two-layer-net} reproduces, step for step, the loss trajectory of the
 * classic NumPy program for the same arrays, computed here in plain float64 Java (the same
 * arithmetic: forward, the hand-derived gradients, and SGD at lr 1e-6), on the reference
 * interpreter and on the CPU backend.
 */
class TwoLayerNetTrajectoryTest {
    static final int N = 64;
    static final int STEPS = 200;

    static float[][] randn(Random r, int rows, int cols) {
        float[][] a = new float[rows][cols];
        for (float[] row : a) {
            for (int j = 0; j < cols; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return a;
    }

    static void save(Path file, float[][] a) throws Exception {
        double[] flat = new double[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                flat[i * a[0].length + j] = a[i][j];
            }
        }
        Npy.write(file, NdArray.of(DType.F32, new long[] {a.length, a[0].length}, flat));
    }

    static double[][] matmul(double[][] a, double[][] b) {
        double[][] c = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int k = 0; k < b.length; k++) {
                double aik = a[i][k];
                for (int j = 0; j < b[0].length; j++) {
                    c[i][j] += aik * b[k][j];
                }
            }
        }
        return c;
    }

    static double[][] transpose(double[][] a) {
        double[][] t = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }

    static double[][] widen(float[][] a) {
        double[][] d = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                d[i][j] = a[i][j];
            }
        }
        return d;
    }

    /** The lecture's NumPy loop, line for line, in float64. */
    static double[] reference(float[][] xf, float[][] yf, float[][] w1f, float[][] w2f) {
        double[][] x = widen(xf);
        double[][] y = widen(yf);
        double[][] w1 = widen(w1f);
        double[][] w2 = widen(w2f);
        double lr = 1e-6;
        double[] losses = new double[STEPS];
        for (int t = 0; t < STEPS; t++) {
            double[][] h = matmul(x, w1);
            double[][] hRelu = new double[h.length][h[0].length];
            for (int i = 0; i < h.length; i++) {
                for (int j = 0; j < h[0].length; j++) {
                    hRelu[i][j] = Math.max(h[i][j], 0);
                }
            }
            double[][] pred = matmul(hRelu, w2);
            double[][] gradPred = new double[pred.length][pred[0].length];
            for (int i = 0; i < pred.length; i++) {
                for (int j = 0; j < pred[0].length; j++) {
                    double d = pred[i][j] - y[i][j];
                    losses[t] += d * d;
                    gradPred[i][j] = 2 * d;
                }
            }
            double[][] gradW2 = matmul(transpose(hRelu), gradPred);
            double[][] gradH = matmul(gradPred, transpose(w2));
            for (int i = 0; i < h.length; i++) {
                for (int j = 0; j < h[0].length; j++) {
                    if (h[i][j] < 0) {
                        gradH[i][j] = 0;
                    }
                }
            }
            double[][] gradW1 = matmul(transpose(x), gradH);
            for (int i = 0; i < w1.length; i++) {
                for (int j = 0; j < w1[0].length; j++) {
                    w1[i][j] -= lr * gradW1[i][j];
                }
            }
            for (int i = 0; i < w2.length; i++) {
                for (int j = 0; j < w2[0].length; j++) {
                    w2[i][j] -= lr * gradW2[i][j];
                }
            }
        }
        return losses;
    }

    /**
     * On the float64 interpreter (1e-4 relative per step) and on the CPU backend, whose float32
     * parameters take 200 rounded updates while the loss falls seven orders of magnitude, to a value
     * that is a small difference of large predictions: there 1e-3 (DESIGN.md allows looser than 1e-4
     * for long float32 chains, with the reason stated).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"interpreter", "simd"})
    void reproducesTheFloat64Trajectory(String backend, @TempDir Path tmp) throws Exception {
        Random r = new Random(2026);
        float[][] x = randn(r, N, TwoLayerNet.IN);
        float[][] y = randn(r, N, TwoLayerNet.OUT);
        float[][] w1 = randn(r, TwoLayerNet.IN, TwoLayerNet.HIDDEN);
        float[][] w2 = randn(r, TwoLayerNet.HIDDEN, TwoLayerNet.OUT);
        Path data = Files.createDirectories(tmp.resolve("data"));
        Path init = Files.createDirectories(tmp.resolve("init"));
        save(data.resolve("x.npy"), x);
        save(data.resolve("y.npy"), y);
        save(init.resolve("w1.npy"), w1);
        save(init.resolve("w2.npy"), w2);
        Path csv = tmp.resolve("loss.csv");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = JavelinCli.run(
                new String[] {
                    "train",
                    "--model",
                    "two-layer-net",
                    "--data",
                    data.toString(),
                    "--init",
                    init.toString(),
                    "--steps",
                    "" + STEPS,
                    "--optimizer",
                    "sgd",
                    "--lr",
                    "1e-6",
                    "--backend",
                    backend,
                    "--loss-csv",
                    csv.toString()
                },
                new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertEquals(0, code, err.toString());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(STEPS, lines.size());
        double[] expected = reference(x, y, w1, w2);
        double tolerance = backend.equals("interpreter") ? 1e-4 : 1e-3;
        double worst = 0;
        for (int t = 0; t < STEPS; t++) {
            String[] parts = lines.get(t).split(",");
            assertEquals(t + 1, Integer.parseInt(parts[0]), "steps are numbered from 1");
            double loss = Double.parseDouble(parts[1]);
            double rel = Math.abs(loss - expected[t]) / Math.abs(expected[t]);
            worst = Math.max(worst, rel);
            assertTrue(rel < tolerance, "step " + t + ": " + loss + " vs " + expected[t]);
        }
        assertTrue(expected[STEPS - 1] < expected[0] / 100, "the loss falls by orders of magnitude");
        System.out.println(
                "two-layer-net on " + backend + ": worst relative difference over " + STEPS + " steps: " + worst);
    }
}
