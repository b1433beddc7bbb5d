package dev.javelin.ir.plan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.testing.ParserFuzz;
import dev.javelin.ir.testing.RandomGraphs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The plan text form under the same mutations as the graph text ({@code TextFuzzTest}): each
 * mutant parses, or fails with a {@link PlanParseException} naming the source and line.
 */
class PlanFuzzTest {
    static final int INPUTS = 1_000;

    static String judge(Throwable t) {
        if (!(t instanceof PlanParseException e)) {
            return "not a PlanParseException";
        }
        return e.getMessage().startsWith("m.plan:") ? null : "a PlanParseException without the source and line";
    }

    @Test
    void mutatedPlanTextParsesOrFailsByLine() {
        byte[] seed = PlanTextTest.TEXT.getBytes(StandardCharsets.UTF_8);
        var summary = ParserFuzz.run(
                "PlanFuzzTest",
                RandomGraphs.masterSeed(20261206L),
                INPUTS,
                List.of(seed),
                List.of(),
                "[{(",
                input -> PlanParser.parse(new String(input, StandardCharsets.UTF_8), "m.plan"),
                PlanFuzzTest::judge);
        assertTrue(summary.parsed() > 0, "no mutant parsed: the mutations are too coarse to test the happy path");
    }
}
