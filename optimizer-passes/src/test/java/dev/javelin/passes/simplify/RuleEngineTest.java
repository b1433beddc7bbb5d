package dev.javelin.passes.simplify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.text.Parser;
import dev.javelin.passes.Golden;
import dev.javelin.passes.pipeline.PassContext;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleEngineTest {
    private static final String GRAPH = """
            graph g {
              %a = input : f32[3]
              %b = input : f32[3]
              %0 = add(%a, %b) : f32[3]
              output y = %0
            }
            """;

    /** add(a, b) -> sub(a, neg(b)) and back: each undoes the other, so they never converge. */
    private static final Rule ADD_TO_SUB = new Rule(
            "add-to-sub-neg",
            "add(a, b) -> sub(a, neg(b))",
            m -> m.isBinary(BinaryFn.ADD),
            (m, e) -> e.add(new Binary(BinaryFn.SUB), m.input(0), e.add(new Unary(UnaryFn.NEG), m.input(1))));

    private static final Rule SUB_NEG_TO_ADD = new Rule(
            "sub-neg-to-add",
            "sub(a, neg(b)) -> add(a, b)",
            m -> m.isBinary(BinaryFn.SUB) && m.operandIs(1, UnaryFn.NEG),
            (m, e) -> e.add(
                    new Binary(BinaryFn.ADD), m.input(0), m.operand(1).inputs().getFirst()));

    @Test
    void rulesThatUndoEachOtherFailLoudlyNamingThem() {
        var engine = new RuleEngine("ping-pong", List.of(ADD_TO_SUB, SUB_NEG_TO_ADD));
        var e = assertThrows(NonConvergenceException.class, () -> engine.run(Parser.parse(GRAPH), new PassContext()));
        assertTrue(
                e.getMessage()
                        .startsWith("rules of ping-pong did not converge: node %0 was rewritten more than 64 times;"
                                + " rules still firing: add-to-sub-neg (33x), sub-neg-to-add (32x)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("last form: %0 = add(%a, %"), e.getMessage());
    }

    @Test
    void aRewriteKeepsTheNodeNameAndNumbersNewNodesAfterTheLargest() {
        var engine = new RuleEngine("one-way", List.of(ADD_TO_SUB));
        PassContext ctx = new PassContext();
        var out = engine.run(Parser.parse(GRAPH), ctx);
        assertEquals(Golden.normalize("""
                        graph g {
                          %a = input : f32[3]
                          %b = input : f32[3]
                          %1 = neg(%b) : f32[3]
                          %0 = sub(%a, %1) : f32[3]
                          output y = %0
                        }
                        """), dev.javelin.ir.text.Printer.print(out));
        assertEquals(1L, ctx.counters().get("add-to-sub-neg"));
        assertEquals(1L, ctx.counters().get("rewrites"));
    }

    @Test
    void aRewriteToAnotherTypeIsABugNamedByRule() {
        var wrong = new Rule(
                "add-to-reduce",
                "add(a, b) -> reduce_sum(a)",
                m -> m.isBinary(BinaryFn.ADD),
                (m, e) -> e.add(
                        new dev.javelin.ir.op.Reduce(dev.javelin.ir.op.ReduceFn.SUM, List.of(0), false), m.input(0)));
        var engine = new RuleEngine("bad", List.of(wrong));
        var e = assertThrows(IllegalStateException.class, () -> engine.run(Parser.parse(GRAPH), new PassContext()));
        assertEquals(
                "rule add-to-reduce (add(a, b) -> reduce_sum(a)) replaced %0 : f32[3] with %1 : f32[];"
                        + " expected the same type",
                e.getMessage());
    }

    @Test
    void ruleNamesAreUniqueAndKebabCase() {
        var e = assertThrows(
                IllegalArgumentException.class, () -> new RuleEngine("dup", List.of(ADD_TO_SUB, ADD_TO_SUB)));
        assertEquals("two rules of dup are named add-to-sub-neg", e.getMessage());
        var bad =
                assertThrows(IllegalArgumentException.class, () -> new Rule("Bad_Name", "x", m -> false, (m, x) -> ""));
        assertEquals("rule name must be kebab-case, got 'Bad_Name'", bad.getMessage());
    }
}
