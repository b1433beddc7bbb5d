package dev.javelin.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.testing.Seeds;
import dev.javelin.ir.verify.Verifier;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The text form's promise on random valid graphs over every kind of primitive. */
class TextRoundTripPropertyTest {

    static LongStream seeds() {
        return Seeds.of("text-round-trip", 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void parsePrintIsExactOnRandomGraphs(long seed) {
        RandomGraphs.check(seed, 1 + (int) Math.floorMod(seed, 30L), steps -> {
            Graph g = RandomGraphs.generate(seed, steps);
            Verifier.verify(g);
            String text = Printer.print(g);
            Graph back = Parser.parse(text);
            assertEquals(g, back);
            assertEquals(text, Printer.print(back));
        });
    }
}
