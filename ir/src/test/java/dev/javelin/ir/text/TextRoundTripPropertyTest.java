package dev.javelin.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.testing.RandomGraphs;
import dev.javelin.ir.verify.Verifier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The text form's promise on random valid graphs over every kind of primitive. */
class TextRoundTripPropertyTest {

    @Property(tries = 200)
    void parsePrintIsExactOnRandomGraphs(@ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int steps) {
        Graph g = RandomGraphs.generate(seed, steps);
        Verifier.verify(g);
        String text = Printer.print(g);
        Graph back = Parser.parse(text);
        assertEquals(g, back);
        assertEquals(text, Printer.print(back));
    }
}
