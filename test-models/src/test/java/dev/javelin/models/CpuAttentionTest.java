package dev.javelin.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.cpu.CpuBackend;
import dev.javelin.compiler.exec.Feeds;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.text.Parser;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.passes.fuse.FusionDecision;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attention kernels on the CPU backend against the float64 graph interpreter: transformer-block's
 * inference at two batch sizes (one attention kernel in its plan), and attention graphs of many
 * sizes, keys as Kᵀ or read with {@code transpose_b}, Q read with {@code transpose_a}, with a mask that leaves one query row no key
 * at all. That row is NaN in the interpreter ({@code -inf - -inf} in the softmax) and must be NaN
 * on the CPU in the same places; every other element agrees to 1e-4.
 */
class CpuAttentionTest {
    private static final CpuPool POOL = new CpuPool(2);

    @TempDir
    static Path cache;

    @AfterAll
    static void closePool() {
        POOL.close();
    }

    private static CpuExecutor run(Plan plan, Graph g, Map<String, NdArray> feeds) {
        CpuExecutor ex = CpuBackend.compile(plan, cache, s -> {}).executor(POOL);
        Feeds.setAll(ex, g, feeds);
        ex.run();
        return ex;
    }

    private static long attentionKernels(Plan plan) {
        return plan.kernels().stream()
                .filter(k -> k.kind() == Kernel.Kind.ATTENTION)
                .count();
    }

    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {1, 33})
    void transformerBlockInferenceRunsItsAttentionAsOneKernel(int batch) {
        TrainingModel m = new TestModels().create("transformer-block");
        Trainer t = new Trainer(m, Optimizer.sgd(), 3, null, Backend.INTERPRETER);
        Graph g = t.evalGraph();
        Map<String, NdArray> feeds = ModelCases.feeds(g, t, m, batch, 1.0);
        Plan plan = Pipeline.compile(g, Map.of("batch", (long) batch), PassOptions.verifying())
                .plan();
        assertEquals(1, attentionKernels(plan), "attention kernels in " + plan.kernels());
        CpuExecutor ex = run(plan, g, feeds);
        Interpreter.run(g, feeds)
                .outputs()
                .forEach((name, v) -> CpuBackendTest.assertClose("output " + name, v, ex.get("output", name), 1e-4));
    }

    @Test
    void transformerBlockTrainingKeepsItsThreeKernelsBecauseTheBackwardReadsTheScores() {
        TrainingModel m = new TestModels().create("transformer-block");
        Graph g = new Trainer(m, Optimizer.sgd(), 3, null, Backend.INTERPRETER).trainGraph();
        Compilation c = Pipeline.compile(g, Map.of("batch", 4L), PassOptions.verifying());
        assertEquals(0, attentionKernels(c.plan()));
        assertTrue(
                c.fusion().orElseThrow().refusals().stream()
                        .map(FusionDecision::text)
                        .anyMatch(s ->
                                s.matches("%31 \\(matmul\\) \\+ %39 \\(matmul\\): refused, no attention kernel: %\\d+"
                                        + " \\(div\\) is also used by %\\d+ \\(matmul\\) outside the pattern, so the scores,"
                                        + " softmax and product stay apart")),
                c.fusion().orElseThrow().explain());
    }

    static Stream<Arguments> sizes() {
        Stream.Builder<Arguments> out = Stream.builder();
        int[][] sizes = {{1, 1, 1, 1}, {7, 17, 8, 8}, {17, 7, 64, 1}, {8, 64, 17, 7}, {8, 8, 8, 8}};
        for (int[] s : sizes) {
            for (String layout : new String[] {"kt", "k", "qt"}) {
                for (boolean masked : new boolean[] {false, true}) {
                    out.add(Arguments.of(s[0], s[1], s[2], s[3], layout, masked));
                }
            }
        }
        return out.build();
    }

    /** Layouts: {@code kt} keys as Kᵀ, {@code k} keys as K read with transpose_b, {@code qt} Q read with transpose_a. */
    @ParameterizedTest(name = "sq={0} sk={1} d={2} dv={3} layout={4} masked={5}")
    @MethodSource("sizes")
    void anAttentionGraphMatchesTheInterpreter(int sq, int sk, int d, int dv, String layout, boolean masked) {
        boolean tb = layout.equals("k");
        boolean ta = layout.equals("qt");
        String keys = tb ? "[2,3," + sk + "," + d + "]" : "[2,3," + d + "," + sk + "]";
        String scores = "[2,3," + sq + "," + sk + "]";
        String kept = "[2,3," + sq + ",1]";
        String text = """
                graph attn {
                  %q = input : f32QUERIES
                  %k = input : f32KEYS
                  %v = input : f32[2,3,SK,DV]
                  %m = input : f32[SQ,SK]
                  %0 = matmul(%q, %k) {transpose_a=TA, transpose_b=TB} : f32SCORES
                  %1 = constant {values=[0.5]} : f32[]
                  %2 = mul(%0, %1) : f32SCORES
                  %9 = add(%2, %m) : f32SCORES
                  %3 = reduce_max(X) {axes=[3], keep_dims=true} : f32KEPT
                  %4 = sub(X, %3) : f32SCORES
                  %5 = exp(%4) : f32SCORES
                  %6 = reduce_sum(%5) {axes=[3], keep_dims=true} : f32KEPT
                  %7 = div(%5, %6) : f32SCORES
                  %8 = matmul(%7, %v) {transpose_a=false, transpose_b=false} : f32[2,3,SQ,DV]
                  output y = %8
                }
                """.replace("KEYS", keys)
                .replace("QUERIES", ta ? "[2,3,D,SQ]" : "[2,3,SQ,D]")
                .replace("SCORES", scores)
                .replace("KEPT", kept)
                .replace("SQ", "" + sq)
                .replace("SK", "" + sk)
                .replace("DV", "" + dv)
                .replace("D", "" + d)
                .replace("TB", "" + tb)
                .replace("TA", "" + ta)
                .replace("X", masked ? "%9" : "%2");
        if (!masked) {
            text = text.replace("  %9 = add(%2, %m) : f32" + scores + "\n", "")
                    .replace("  %m = input : f32[" + sq + "," + sk + "]\n", "");
        }
        Graph g = Parser.parse(text);
        Map<String, NdArray> feeds = feeds(g, sq * 31 + sk);
        Plan plan = Pipeline.compile(g, Map.of(), PassOptions.verifying()).plan();
        assertEquals(1, attentionKernels(plan), "attention kernels in " + plan.kernels());
        NdArray want = Interpreter.run(g, feeds).outputs().get("y");
        float[] got = run(plan, g, feeds).get("output", "y");
        assertEquals(want.size(), got.length);
        double scale = 0;
        for (int i = 0; i < got.length; i++) {
            if (!Double.isNaN(want.get(i))) {
                scale = Math.max(scale, Math.abs(want.get(i)));
            }
        }
        for (int i = 0; i < got.length; i++) {
            double w = want.get(i);
            boolean ok = Double.isNaN(w) ? Float.isNaN(got[i]) : Math.abs(w - got[i]) <= 1e-4 * Math.max(scale, 1e-6);
            assertTrue(ok, "y[" + i + "]: want " + w + ", got " + got[i]);
        }
        if (masked) {
            assertTrue(Double.isNaN(want.get(0)) && Float.isNaN(got[0]), "query row 0 has no key left");
        }
    }

    /** Uniform values in [-1, 1]; the mask is 0 or -inf, row 0 entirely -inf, each other row keeping key 0. */
    private static Map<String, NdArray> feeds(Graph g, long seed) {
        Random r = new Random(seed);
        Map<String, NdArray> out = new HashMap<>();
        for (Node in : g.inputs()) {
            long[] shape =
                    in.type().shape().dims().stream().mapToLong(x -> x.size()).toArray();
            NdArray a = NdArray.zeros(DType.F32, shape);
            for (int i = 0; i < a.size(); i++) {
                boolean mask = in.name().equals("m");
                long row = mask ? i / shape[1] : 0;
                long col = mask ? i % shape[1] : 0;
                a.set(
                        i,
                        !mask
                                ? (float) (2 * r.nextDouble() - 1)
                                : row == 0 || (col > 0 && r.nextBoolean()) ? Double.NEGATIVE_INFINITY : 0);
            }
            out.put(in.name(), a);
        }
        return out;
    }
}
