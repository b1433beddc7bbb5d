package dev.javelin.passes.lower;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.plan.PlanInterpreter;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.ir.plan.PlanPrinter;
import dev.javelin.ir.plan.PlanVerifier;
import dev.javelin.ir.text.Parser;
import dev.javelin.passes.memory.MemoryNumbers;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The unfused plan of small graphs, as text: kernels, kinds, counts, offsets and bindings. */
class UnfusedLoweringGoldenTest {
    static final String CLASSIFIER = """
            graph classifier {
              %x = input : f32[batch,4]
              %w = parameter : f32[4,3]
              %b = parameter : f32[3]
              %h = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[batch,3]
              %hb = add(%h, %b) : f32[batch,3]
              %zero = constant {values=[0.0]} : f32[]
              %relu = max(%hb, %zero) : f32[batch,3]
              %m = reduce_max(%relu) {axes=[1], keep_dims=true} : f32[batch,1]
              %d = sub(%relu, %m) : f32[batch,3]
              %e = exp(%d) : f32[batch,3]
              %s = reduce_sum(%e) {axes=[1], keep_dims=true} : f32[batch,1]
              %probs = div(%e, %s) : f32[batch,3]
              output probs = %probs
            }
            """;

    @Test
    void classifierAtBatch64() {
        Plan p = UnfusedLowering.plan(Parser.parse(CLASSIFIER), Map.of("batch", 64L));
        String want = """
                plan classifier {
                  sizes batch=64
                  arena 1024
                  buffer %x : f32[64,4] input
                  buffer %w : f32[4,3] parameter
                  buffer %b : f32[3] parameter
                  buffer %h : f32[64,3] arena 0
                  buffer %hb : f32[64,3] arena 0
                  buffer %relu : f32[64,3] arena 0
                  buffer %m : f32[64,1] arena 768
                  buffer %d : f32[64,3] arena 0
                  buffer %e : f32[64,3] arena 0
                  buffer %s : f32[64,1] arena 768
                  buffer %probs : f32[64,3] arena 0
                  kernel k0_matmul contraction reads(%x, %w) writes(%h) flops=1536 bytes_read=1072 bytes_written=768 {
                    %h = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[64,3]
                  }
                  kernel k1_add pointwise reads(%h, %b) writes(%hb) flops=192 bytes_read=780 bytes_written=768 {
                    %hb = add(%h, %b) : f32[64,3]
                  }
                  kernel k2_max pointwise reads(%hb) writes(%relu) flops=192 bytes_read=768 bytes_written=768 {
                    %zero = constant {values=[0.0]} : f32[]
                    %relu = max(%hb, %zero) : f32[64,3]
                  }
                  kernel k3_reduce_max reduction reads(%relu) writes(%m) flops=192 bytes_read=768 bytes_written=256 {
                    %m = reduce_max(%relu) {axes=[1], keep_dims=true} : f32[64,1]
                  }
                  kernel k4_sub pointwise reads(%relu, %m) writes(%d) flops=192 bytes_read=1024 bytes_written=768 {
                    %d = sub(%relu, %m) : f32[64,3]
                  }
                  kernel k5_exp pointwise reads(%d) writes(%e) flops=192 bytes_read=768 bytes_written=768 {
                    %e = exp(%d) : f32[64,3]
                  }
                  kernel k6_reduce_sum reduction reads(%e) writes(%s) flops=192 bytes_read=768 bytes_written=256 {
                    %s = reduce_sum(%e) {axes=[1], keep_dims=true} : f32[64,1]
                  }
                  kernel k7_div pointwise reads(%e, %s) writes(%probs) flops=192 bytes_read=1024 bytes_written=768 {
                    %probs = div(%e, %s) : f32[64,3]
                  }
                  input x = %x
                  parameter w = %w
                  parameter b = %b
                  output probs = %probs
                }
                """;
        assertEquals(want, PlanPrinter.print(p));
        assertEquals(p, PlanParser.parse(want));
        assertEquals(new MemoryNumbers(1024, 1024, 5120), MemoryNumbers.of(p));
    }

    @Test
    void anAssignBindsItsParameterToTheValueBuffer() {
        Graph g = Parser.parse("""
                graph sgd {
                  %x = input : f32[2]
                  %w = parameter : f32[2]
                  %lr = constant {values=[0.5]} : f32[]
                  %g = mul(%x, %lr) : f32[2]
                  %nw = sub(%w, %g) : f32[2]
                  %a = assign(%w, %nw) : f32[2]
                  output new_w = %a
                  output lr = %lr
                }
                """);
        Plan p = UnfusedLowering.plan(g, Map.of());
        String want = """
                plan sgd {
                  arena 512
                  buffer %x : f32[2] input
                  buffer %w : f32[2] parameter
                  buffer %lr : f32[] arena 0
                  buffer %g : f32[2] arena 256
                  buffer %nw : f32[2] arena 256
                  kernel k0_constant pointwise reads() writes(%lr) flops=0 bytes_read=0 bytes_written=4 {
                    %lr = constant {values=[0.5]} : f32[]
                  }
                  kernel k1_mul pointwise reads(%x) writes(%g) flops=2 bytes_read=8 bytes_written=8 {
                    %lr = constant {values=[0.5]} : f32[]
                    %g = mul(%x, %lr) : f32[2]
                  }
                  kernel k2_sub pointwise reads(%w, %g) writes(%nw) flops=2 bytes_read=16 bytes_written=8 {
                    %nw = sub(%w, %g) : f32[2]
                  }
                  input x = %x
                  parameter w = %w
                  output new_w = %nw
                  output lr = %lr
                  assign w = %nw
                }
                """;
        assertEquals(want, PlanPrinter.print(p));
        PlanVerifier.verify(p);
        var feeds = dev.javelin.ir.testing.RandomGraphs.feeds(g, 7, 1);
        Interpreter.Result r = PlanInterpreter.run(p, feeds);
        assertEquals(Interpreter.run(g, feeds), r);
    }

    @Test
    void anUnboundSymbolIsReported() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> UnfusedLowering.plan(Parser.parse(CLASSIFIER), Map.of()));
        assertEquals(
                "symbolic dimension 'batch' of %x : f32[batch,4] has no size; expected one in {} (e.g. --batch N)",
                e.getMessage());
    }
}
