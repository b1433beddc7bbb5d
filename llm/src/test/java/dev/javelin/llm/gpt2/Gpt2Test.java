package dev.javelin.llm.gpt2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.CompileOptions;
import dev.javelin.compiler.CompiledModel;
import dev.javelin.compiler.HostTensor;
import dev.javelin.compiler.Javelin;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.llm.ModelFileException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny GPT-2 written by Hugging Face {@code transformers} ({@code save_pretrained} of a random
 * {@code GPT2LMHeadModel}: 2 layers, width 32, 4 heads, 384 tokens, 64 positions; {@code
 * gpt2-tiny.py} beside the fixture writes it) loaded from its folder: logits on the float64
 * interpreter and on the compiled CPU backend match {@code transformers}' within 1e-4 of their
 * largest magnitude, and greedy decoding continues a prompt with the tokens {@code generate} chose.
 */
class Gpt2Test {
    static Path fixture() {
        try {
            return Path.of(Gpt2Test.class.getResource("tiny").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, NdArray> feeds(Gpt2Checkpoint ck, NdArray ids) {
        Map<String, NdArray> feeds = new HashMap<>(ck.weights());
        feeds.put("input_ids", ids);
        return feeds;
    }

    /** The largest difference, over the largest magnitude of {@code want}. */
    static double relative(NdArray got, NdArray want) {
        assertArrayEquals(want.shape(), got.shape());
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < want.size(); i++) {
            diff = Math.max(diff, Math.abs(got.get(i) - want.get(i)));
            scale = Math.max(scale, Math.abs(want.get(i)));
        }
        return diff / scale;
    }

    @Test
    void logitsMatchTransformersOnTheInterpreterAndTheCpu() throws IOException {
        Gpt2Checkpoint ck = Gpt2Checkpoint.load(fixture().resolve("model"));
        assertEquals(
                new Gpt2Config(384, 64, 32, 2, 4, 128, 1e-5, "gelu_new"),
                ck.model().config());
        NdArray ids = Npy.read(fixture().resolve("ids.npy"));
        NdArray want = Npy.read(fixture().resolve("logits.npy"));
        var net = ck.model().logitsNet(12);
        Graph g = net.build();
        NdArray interpreted = Interpreter.run(g, feeds(ck, ids)).outputs().get("logits");
        double ri = relative(interpreted, want);
        assertTrue(ri < 1e-5, "interpreter: " + ri);
        try (CompiledModel cpu = Javelin.compile(g, CompileOptions.cpu().withBatch(2))) {
            cpu.setParameters(ck.weights());
            HostTensor out = cpu.run(Map.of("input_ids", HostTensor.ofLongs(ids.toLongs(), 2, 12)))
                    .get("logits");
            float[] v = out.toFloats();
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                d[i] = v[i];
            }
            double rc = relative(NdArray.of(DType.F32, want.shape(), d), want);
            assertTrue(rc < 1e-4, "cpu: " + rc);
        }
    }

    @Test
    void greedyDecodingChoosesTransformersTokens() throws IOException {
        Gpt2Checkpoint ck = Gpt2Checkpoint.load(fixture().resolve("model"));
        long[] want = Npy.read(fixture().resolve("greedy.npy")).toLongs();
        long[] seq = Arrays.copyOf(want, 5);
        while (seq.length < want.length) {
            int n = seq.length;
            Graph g = ck.model().logitsNet(n).build();
            NdArray logits = Interpreter.run(g, feeds(ck, NdArray.ofLongs(DType.I64, new long[] {1, n}, seq)))
                    .outputs()
                    .get("logits");
            int vocab = ck.model().config().vocab();
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

    @Test
    void aFolderThatIsNotAModelIsNamed(@TempDir Path dir) throws IOException {
        var e = assertThrows(ModelFileException.class, () -> Gpt2Checkpoint.load(dir));
        assertEquals(
                "no config.json in " + dir + ": expected a Hugging Face model folder (save_pretrained)",
                e.getMessage());
        Files.copy(fixture().resolve("model/config.json"), dir.resolve("config.json"));
        e = assertThrows(ModelFileException.class, () -> Gpt2Checkpoint.load(dir));
        assertEquals("no model.safetensors or model.safetensors.index.json in " + dir, e.getMessage());
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llama\"}");
        e = assertThrows(ModelFileException.class, () -> Gpt2Checkpoint.load(dir));
        assertEquals(dir.resolve("config.json") + ": model_type is 'llama', not 'gpt2'", e.getMessage());
        Files.writeString(
                dir.resolve("config.json"),
                "{\"n_embd\": 30, \"n_head\": 4, \"vocab_size\": 10," + " \"n_positions\": 8, \"n_layer\": 1}");
        e = assertThrows(ModelFileException.class, () -> Gpt2Checkpoint.load(dir));
        assertEquals(
                dir.resolve("config.json") + ": GPT-2's width must divide into its heads, found dim 30 and 4"
                        + " heads",
                e.getMessage());
    }

    /** The fixture's weights under a configuration one layer short: the extra tensors are listed. */
    @Test
    void weightsThatDoNotFitTheConfigurationAreListed(@TempDir Path dir) throws IOException {
        Files.copy(fixture().resolve("model/model.safetensors"), dir.resolve("model.safetensors"));
        Files.writeString(
                dir.resolve("config.json"),
                Files.readString(fixture().resolve("model/config.json")).replace("\"n_layer\": 2", "\"n_layer\": 1"));
        var e = assertThrows(ModelFileException.class, () -> Gpt2Checkpoint.load(dir));
        assertTrue(
                e.getMessage()
                        .startsWith(dir + ": the weights do not fit config.json's GPT-2: checkpoint does"
                                + " not match the model:\n  extra: transformer.h.1.attn.c_attn.bias f32[96]"),
                e.getMessage());
        assertEquals(
                12,
                e.getMessage()
                        .lines()
                        .filter(l -> l.startsWith("  extra: transformer.h.1."))
                        .count());
    }
}
