package dev.javelin.ir.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.SourceLoc;
import org.junit.jupiter.api.Test;

class ParserSmokeTest {
    static final String TEXT = """
            graph g {
              %x = input : f32[batch,4]
              %w = parameter : f32[4,3]
              %0 = matmul(%x, %w) {transpose_a=false, transpose_b=false} : f32[batch,3] @"A.java":3
              %c = constant {values=[0.1, nan, -inf, -0.0, 1.0E-5, 3.4028235E38]} : f32[6]
              %i = constant {values=[1, -2]} : i64[2]
              %b = constant {values=[true]} : bool[]
              %1 = conv2d(%x, %w) {stride=[1,1], padding=[0,0,1,1], dilation=[1,1], groups=1} : f32[1]
              %2 = slice(%c) {axes=[0], start=[1], stop=[5], step=[2]} : f32[2]
              %3 = pad(%c) {low=[1], high=[0], value=-inf} : f32[7]
              %4 = reshape(%x) {shape=[batch,2,2]} : f32[batch,2,2]
              %5 = random_normal {seed=-7} : f64[3]
              output y = %0
            }
            """;

    @Test
    void parsesAndPrintsBack() {
        Graph g = Parser.parse(TEXT);
        String printed = Printer.print(g);
        assertEquals(g, Parser.parse(printed));
        assertEquals(printed, Printer.print(Parser.parse(printed)));
        assertTrue(printed.contains("values=[0.1, nan, -inf, -0.0, 1.0E-5, 3.4028235E38]"), printed);
    }

    @Test
    void theBackwardFlagOfALocationRoundTripsAndAnUnflaggedOneReadsAsForward() {
        String text = """
                graph g {
                  %x = input : f32[3] @"Model.java":1
                  %y = exp(%x) : f32[3] @"Model.java":2
                  %gy = neg(%y) : f32[3] @"Model.java":2 (backward)
                  output gy = %gy
                }
                """;
        Graph g = Parser.parse(text);
        assertEquals(new SourceLoc("Model.java", 2), g.node("y").loc());
        assertEquals(new SourceLoc("Model.java", 2, true), g.node("gy").loc());
        assertEquals(text, Printer.print(g));
        assertEquals(g, Parser.parse(Printer.print(g)));
    }

    @Test
    void reportsPosition() {
        ParseException e =
                assertThrows(ParseException.class, () -> Parser.parse("graph g {\n  %x = input f32[2]\n}", "m.ir"));
        assertEquals(
                "m.ir:2:14: expected ':' before the type of %x, found 'f32'",
                e.getMessage().lines().findFirst().get());
        assertEquals(2, e.line());
        assertEquals(14, e.column());
    }
}
