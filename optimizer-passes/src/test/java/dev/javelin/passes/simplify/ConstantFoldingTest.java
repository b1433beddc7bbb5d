package dev.javelin.passes.simplify;

import static dev.javelin.passes.Golden.assertPass;
import static dev.javelin.passes.Golden.assertUnchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConstantFoldingTest {
    @Test
    void foldsChainsOfConstantNodesKeepingNamesAndSplats() {
        var r = assertPass(new ConstantFolding(), """
                graph g {
                  %x = input : f32[2]
                  %a = constant {values=[1.5, -2.0]} : f32[2]
                  %b = constant {values=[0.5]} : f32[]
                  %0 = add(%a, %b) : f32[2]
                  %1 = neg(%0) : f32[2]
                  %2 = broadcast(%b) {shape=[1000,1000]} : f32[1000,1000]
                  %3 = mul(%2, %b) : f32[1000,1000]
                  %4 = mul(%x, %1) : f32[2]
                  output y = %4
                  output z = %3
                }
                """, """
                graph g {
                  %x = input : f32[2]
                  %a = constant {values=[1.5, -2.0]} : f32[2]
                  %b = constant {values=[0.5]} : f32[]
                  %0 = constant {values=[2.0, -1.5]} : f32[2]
                  %1 = constant {values=[-2.0, 1.5]} : f32[2]
                  %2 = constant {values=[0.5]} : f32[1000,1000]
                  %3 = constant {values=[0.25]} : f32[1000,1000]
                  %4 = mul(%x, %1) : f32[2]
                  output y = %4
                  output z = %3
                }
                """);
        assertEquals(4, r.run("fold-constants").counter("folded"));
    }

    @Test
    void allEqualResultsBecomeSplats() {
        assertPass(new ConstantFolding(), """
                graph g {
                  %a = constant {values=[1.0, 2.0]} : f32[2]
                  %b = constant {values=[1.0, 0.0]} : f32[2]
                  %0 = add(%a, %b) : f32[2]
                  output y = %0
                }
                """, """
                graph g {
                  %a = constant {values=[1.0, 2.0]} : f32[2]
                  %b = constant {values=[1.0, 0.0]} : f32[2]
                  %0 = constant {values=[2.0]} : f32[2]
                  output y = %0
                }
                """);
    }

    @Test
    void leavesLargeInexactAndFailingFoldsAndGeneratorsAlone() {
        String text = """
                graph g {
                  %a = constant {values=[1.0, 2.0, 3.0, 4.0]} : f32[4]
                  %big = concat(%a, %a) {axis=0} : f32[8]
                  %tenth = constant {values=[0.1]} : f32[]
                  %three = constant {values=[3.0]} : f32[]
                  %inexact = mul(%tenth, %three) : f32[]
                  %seven = constant {values=[7]} : i32[]
                  %izero = constant {values=[0]} : i32[]
                  %divzero = div(%seven, %izero) : i32[]
                  %off = constant {values=[3]} : i64[]
                  %rnd = random_uniform(%off) {seed=1} : f32[2]
                  output a = %big
                  output b = %inexact
                  output c = %divzero
                  output d = %rnd
                }
                """;
        var r = dev.javelin.passes.pipeline.PassManager.run(
                dev.javelin.ir.text.Parser.parse(text),
                java.util.List.of(new ConstantFolding(4)),
                dev.javelin.passes.pipeline.PassOptions.verifying());
        assertEquals(dev.javelin.passes.Golden.normalize(text), dev.javelin.ir.text.Printer.print(r.graph()));
        var run = r.run("fold-constants");
        assertEquals(1, run.counter("skipped-large"), r.report());
        assertEquals(1, run.counter("skipped-inexact"), r.report());
        assertEquals(1, run.counter("skipped-error"), r.report());
        assertEquals(0, run.counter("folded"), r.report());
    }

    @Test
    void leavesSymbolicShapesAlone() {
        assertUnchanged(new ConstantFolding(), """
                graph g {
                  %x = input : f32[batch]
                  %c = constant {values=[2.0]} : f32[]
                  %0 = broadcast(%c) {shape=[batch]} : f32[batch]
                  %1 = add(%x, %0) : f32[batch]
                  output y = %1
                }
                """);
    }
}
