package dev.javelin.ir.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.text.Parser;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each invariant of the verifier's header, broken in parsed text and reported by name. */
class VerifierTest {

    static List<String> problems(String body) {
        return Verifier.check(Parser.parse("graph g {\n" + body + "}\n")).stream()
                .map(p -> p.invariant() + ": " + p.message())
                .toList();
    }

    @Test
    void aValidGraphHasNoProblems() {
        assertEquals(List.of(), problems("""
                %x = input : f32[batch,2]
                %y = exp(%x) : f32[batch,2]
                output y = %y
                """));
    }

    @Test
    void cycles() {
        assertEquals(List.of("acyclic: cycle: %a -> %b -> %a (each uses the next)"), problems("""
                %a = neg(%b) : f32[2]
                %b = neg(%a) : f32[2]
                """));
        assertEquals(List.of("acyclic: cycle: %a -> %a (each uses the next)"), problems("%a = neg(%a) : f32[2]\n"));
    }

    @Test
    void useBeforeDefinitionAndUndefinedOperands() {
        assertEquals(List.of("definition order: node %y uses %x before its definition (node #1)"), problems("""
                %y = neg(%x) : f32[2]
                %x = input : f32[2]
                """));
        assertEquals(
                List.of(
                        "defined uses: node %y uses %nope, which is not defined",
                        "defined uses: output 'z' names %gone, which is not defined"),
                problems("""
                %y = neg(%nope) : f32[2]
                output z = %gone
                """));
    }

    @Test
    void namesAreUnique() {
        assertEquals(
                List.of(
                        "unique names: node %x is defined twice (first at node #0, again at node #1)",
                        "unique names: output 'y' is defined twice"),
                problems("""
                %x = input : f32[2]
                %x = input : f32[2]
                output y = %x
                output y = %x
                """));
    }

    @Test
    void declaredTypesMustBeInferred() {
        assertEquals(List.of("types: node %y (exp) is declared f32[3] but its operands give f32[2]"), problems("""
                %x = input : f32[2]
                %y = exp(%x) : f32[3]
                """));
        assertEquals(
                List.of("types: node %y (add of [f32[2], i32[2]]): operand dtypes differ: f32 vs i32 (insert an"
                        + " explicit cast; there is no implicit promotion)"),
                problems("""
                %x = input : f32[2]
                %i = input : i32[2]
                %y = add(%x, %i) : f32[2]
                """));
        assertEquals(List.of("types: node %y (neg of [f32[2], f32[2]]): expected 1 operand, found 2"), problems("""
                %x = input : f32[2]
                %y = neg(%x, %x) : f32[2]
                """));
    }

    @Test
    void stateUpdates() {
        assertEquals(
                List.of("state updates: assign %a targets %x, an input; only parameters can be assigned"),
                problems("""
                %x = input : f32[2]
                %a = assign(%x, %x) : f32[2]
                """));
        assertEquals(List.of("state updates: parameter %p is assigned more than once (again by %b)"), problems("""
                %p = parameter : f32[2]
                %v = neg(%p) : f32[2]
                %a = assign(%p, %v) : f32[2]
                %b = assign(%p, %p) : f32[2]
                """));
    }

    @Test
    void theExceptionShowsTheLinesAroundEachProblem() {
        VerifyException e = assertThrows(VerifyException.class, () -> Verifier.verify(Parser.parse("""
                graph g {
                  %x = input : f32[2]
                  %y = exp(%x) : f32[3]
                  %z = neg(%y) : f32[3]
                }
                """)));
        assertTrue(
                e.getMessage()
                        .startsWith("graph g is invalid (1 problem):\n"
                                + "  node %y (exp) is declared f32[3] but its operands give f32[2]\n"
                                + "      %x = input : f32[2]\n"
                                + "    > %y = exp(%x) : f32[3]\n"
                                + "      %z = neg(%y) : f32[3]"),
                e.getMessage());
        assertEquals(1, e.problems().size());
    }

    @Test
    void sizesThatOverflowAreReportedNotThrown() {
        // The parser refuses shapes whose element count overflows; a pad can still wrap a size
        // (found by TextFuzzTest; it was an IllegalArgumentException and "internal error").
        assertEquals(
                List.of("types: node %p (pad of [f32[9223372036854775807]]): sizes too large (dimension size must be"
                        + " >= 0, got -9223372036854775808)"),
                problems("""
                %x = input : f32[9223372036854775807]
                %p = pad(%x) {low=[0], high=[1], value=0.0} : f32[1]
                """));
    }
}
