package demo;

import dev.javelin.compiler.CompileOptions;
import dev.javelin.compiler.CompiledModel;
import dev.javelin.compiler.HostTensor;
import dev.javelin.compiler.Javelin;
import dev.javelin.dsl.data.Dataset;
import dev.javelin.dsl.data.MnistDataset;
import dev.javelin.ir.value.NdArray;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Loads the checkpoint {@link Train} wrote into a compiled inference model and classifies MNIST's
 * 2,000 test digits in batches of 100, reusing one input and one output array for every batch.
 *
 * <p>Arguments: the MNIST cache folder and the checkpoint.
 */
public final class Classify {
    private static final int BATCH = 100;

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: demo.Classify MNIST_DIR CHECKPOINT.safetensors");
            System.exit(2);
        }
        Dataset test = MnistDataset.load(Path.of(args[0])).test();
        float[] pixels = new float[BATCH * 784];
        float[] logits = new float[BATCH * 10];
        Map<String, HostTensor> in = Map.of("image", HostTensor.of(pixels, BATCH, 784));
        Map<String, HostTensor> out = Map.of("logits", HostTensor.of(logits, BATCH, 10));
        try (CompiledModel model = Javelin.compile(Mlp.inference(), CompileOptions.cpu().withBatch(BATCH))) {
            model.loadCheckpoint(Path.of(args[1]));
            int right = 0;
            long[] nanos = new long[test.size() / BATCH];
            for (int first = 0; first + BATCH <= test.size(); first += BATCH) {
                int from = first;
                int[] indices = new int[BATCH];
                Arrays.setAll(indices, i -> from + i);
                Map<String, NdArray> batch = test.batch(indices);
                NdArray image = batch.get("image");
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (float) image.get(i);
                }
                long t0 = System.nanoTime();
                model.run(in, out);
                nanos[first / BATCH] = System.nanoTime() - t0;
                NdArray label = batch.get("label");
                for (int e = 0; e < BATCH; e++) {
                    int best = 0;
                    for (int c = 1; c < 10; c++) {
                        best = logits[e * 10 + c] > logits[e * 10 + best] ? c : best;
                    }
                    right += best == label.getLong(e) ? 1 : 0;
                }
            }
            int seen = nanos.length * BATCH;
            long first = nanos[0];
            Arrays.sort(nanos);
            System.out.printf(
                    "classified %d test digits: accuracy %.4f, median %.3f ms per batch of %d (the first %.1f ms,"
                            + " before the JIT compiled the kernels)%n",
                    seen, (double) right / seen, nanos[nanos.length / 2] / 1e6, BATCH, first / 1e6);
        }
    }
}
