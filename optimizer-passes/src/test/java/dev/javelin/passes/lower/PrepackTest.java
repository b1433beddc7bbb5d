package dev.javelin.passes.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.plan.Storage;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.text.Parser;
import dev.javelin.passes.pipeline.Compilation;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Work on parameters alone moves to load time in inference plans, and stays in training plans. */
class PrepackTest {
    // The filter's layout change (a permute feeding a convolution) depends on the parameter alone.
    private static final String INFERENCE = """
            graph g {
              %x = input : f32[batch,3,8,8]
              %w = parameter : f32[3,3,3,4]
              %s = parameter : f32[4]
              %1 = permute(%w) {perm=[3,2,0,1]} : f32[4,3,3,3]
              %2 = exp(%s) : f32[4]
              %3 = reshape(%2) {shape=[4,1,1]} : f32[4,1,1]
              %4 = conv2d(%x, %1) {stride=[1,1], padding=[0,0,0,0], dilation=[1,1], groups=1} : f32[batch,4,6,6]
              %5 = mul(%4, %3) : f32[batch,4,6,6]
              output y = %5
            }
            """;

    private static String summary(Compilation c) {
        StringBuilder sb = new StringBuilder();
        for (Kernel k : c.plan().kernels()) {
            sb.append(k.name()).append(' ').append(k.nodes()).append(" -> ");
            for (String w : k.writes()) {
                sb.append(w)
                        .append(':')
                        .append(c.plan().buffer(w).storage().text())
                        .append(' ');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Test
    void parameterOnlyKernelsRunAtLoadTime() {
        Graph g = Parser.parse(INFERENCE);
        Compilation c = Pipeline.compile(g, Map.of("batch", 2L), PassOptions.verifying());
        assertEquals("""
                k0_permute [1] -> 1:packed\s
                k1_exp [2] -> 2:packed\s
                k2_conv2d_mul [4, 3, 5] -> 5:arena\s
                """, summary(c));
        assertEquals(2, c.run(Pipeline.PREPACK).counter("load-kernels"));
        assertEquals(4 * 3 * 3 * 3 * 4 + 4 * 4, c.run(Pipeline.PREPACK).counter("packed-bytes"));
        var feeds = RandomGraphs.feeds(g, 5, 2);
        assertEquals(Interpreter.run(g, feeds), PlanInterpreter.run(c.plan(), feeds));
    }

    @Test
    void switchedOffOrTrainedNothingMoves() {
        Graph g = Parser.parse(INFERENCE);
        Compilation off =
                Pipeline.compile(g, Map.of("batch", 2L), PassOptions.verifying().withDisabled(Pipeline.PREPACK));
        assertEquals(
                0,
                off.plan().buffers().stream()
                        .filter(b -> b.storage() == Storage.PACKED)
                        .count());
        Graph trained = Parser.parse(INFERENCE.replace("  output y = %5", """
                  %lr = constant {values=[0.5]} : f32[4]
                  %6 = sub(%s, %lr) : f32[4]
                  %7 = assign(%s, %6) : f32[4]
                  output y = %5"""));
        Compilation c = Pipeline.compile(trained, Map.of("batch", 2L), PassOptions.verifying());
        // %w is never assigned, so its permute still moves; %s is, so exp(%s) stays in the step.
        assertEquals(1, c.run(Pipeline.PREPACK).counter("load-kernels"));
        var feeds = RandomGraphs.feeds(trained, 5, 2);
        assertEquals(Interpreter.run(trained, feeds), PlanInterpreter.run(c.plan(), feeds));
    }
}
