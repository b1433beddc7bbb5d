package dev.javelin.llm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.CompileOptions;
import dev.javelin.compiler.CompiledModel;
import dev.javelin.compiler.HostTensor;
import dev.javelin.compiler.Javelin;
import dev.javelin.dsl.Net;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The checks of a model written by Hugging Face {@code transformers} against what {@code
 * transformers} computed for it: a fixture folder with {@code model/} ({@code save_pretrained}),
 * {@code ids.npy}, {@code logits.npy} and {@code greedy.npy} (a prompt and its greedy continuation).
 */
public final class HfFixtures {
    private HfFixtures() {}

    /** The fixture folder {@code name} beside {@code owner} in the test resources. */
    public static Path folder(Class<?> owner, String name) {
        try {
            return Path.of(owner.getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The largest difference, over the largest magnitude of {@code want}. */
    public static double relative(NdArray got, NdArray want) {
        assertArrayEquals(want.shape(), got.shape());
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < want.size(); i++) {
            diff = Math.max(diff, Math.abs(got.get(i) - want.get(i)));
            scale = Math.max(scale, Math.abs(want.get(i)));
        }
        return diff / scale;
    }

    private static Map<String, NdArray> feeds(Map<String, NdArray> weights, NdArray ids) {
        Map<String, NdArray> feeds = new HashMap<>(weights);
        feeds.put("input_ids", ids);
        return feeds;
    }

    /**
     * Logits of {@code ids.npy} by {@code net} (input {@code input_ids}, output {@code logits}) on the
     * float64 interpreter within 1e-5 of {@code logits.npy}'s largest magnitude, and on the compiled
     * CPU backend within 1e-4.
     */
    public static void logitsMatch(Path fixture, Net net, Map<String, NdArray> weights) throws IOException {
        NdArray ids = Npy.read(fixture.resolve("ids.npy"));
        NdArray want = Npy.read(fixture.resolve("logits.npy"));
        Graph g = net.build();
        double ri = relative(Interpreter.run(g, feeds(weights, ids)).outputs().get("logits"), want);
        assertTrue(ri < 1e-5, "interpreter: " + ri);
        try (CompiledModel cpu = Javelin.compile(g, CompileOptions.cpu().withBatch(ids.dim(0)))) {
            cpu.setParameters(weights);
            float[] v = cpu.run(Map.of("input_ids", HostTensor.ofLongs(ids.toLongs(), ids.shape())))
                    .get("logits")
                    .toFloats();
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            double rc = relative(NdArray.of(DType.F32, want.shape(), d), want);
            assertTrue(rc < 1e-4, "cpu: " + rc);
        }
    }

    /**
     * Greedy decoding on the interpreter (the whole prefix each step, a net per length from {@code
     * netOfLength}) continues {@code greedy.npy}'s first {@code prompt} tokens with the rest of it.
     */
    public static void greedyMatches(
            Path fixture, int prompt, int vocab, IntFunction<Net> netOfLength, Map<String, NdArray> weights)
            throws IOException {
        long[] want = Npy.read(fixture.resolve("greedy.npy")).toLongs();
        long[] seq = Arrays.copyOf(want, prompt);
        while (seq.length < want.length) {
            int n = seq.length;
            Graph g = netOfLength.apply(n).build();
            NdArray logits = Interpreter.run(g, feeds(weights, NdArray.ofLongs(DType.I64, new long[] {1, n}, seq)))
                    .outputs()
                    .get("logits");
            int best = 0;
            for (int t = 1; t < vocab; t++) {
                if (logits.get((n - 1) * vocab + t) > logits.get((n - 1) * vocab + best)) {
                    best = t;
                }
            }
            seq = Arrays.copyOf(seq, n + 1);
            seq[n] = best;
        }
        assertArrayEquals(want, seq);
    }

    /**
     * {@code layer} on its own ({@code forward(x)}, x {@code [1, 4, dim]}) on the interpreter is
     * causal: changing the last token changes the last output row and none before it.
     */
    public static void assertCausal(dev.javelin.dsl.Module layer, int dim) {
        NdArray[] out = new NdArray[2];
        for (int run = 0; run < 2; run++) {
            Net net = new Net("layer");
            net.module(layer);
            var x = net.input("x", DType.F32, 1, 4, dim);
            net.output("y", layer.forward(x));
            Map<String, NdArray> feeds = new HashMap<>(net.initialValues(1));
            double[] xs = new double[4 * dim];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = Math.sin(i) + (run == 1 && i >= 3 * dim ? 1 : 0);
            }
            feeds.put("x", NdArray.of(DType.F32, new long[] {1, 4, dim}, xs));
            out[run] = Interpreter.run(net.build(), feeds).outputs().get("y");
        }
        for (int i = 0; i < 3 * dim; i++) {
            org.junit.jupiter.api.Assertions.assertEquals(out[0].get(i), out[1].get(i), 0, "row " + i / dim);
        }
        double last = 0;
        for (int i = 3 * dim; i < 4 * dim; i++) {
            last = Math.max(last, Math.abs(out[0].get(i) - out[1].get(i)));
        }
        assertTrue(last > 1e-3, "the last row did not change: " + last);
    }
}
