package dev.javelin.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.JavelinException;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.ShapeException;
import dev.javelin.ir.graph.SourceLoc;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.plan.PlanParseException;
import dev.javelin.ir.plan.PlanParser;
import dev.javelin.ir.text.ParseException;
import dev.javelin.ir.text.Parser;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Errors about one place in the user's input say where it is, as {@link JavelinException#position()}. */
class ErrorPositionTest {
    @Test
    void anIrTextErrorIsAtItsLineAndColumn() {
        ParseException e =
                assertThrows(ParseException.class, () -> Parser.parse("graph g {\n  %x = nonsense\n}\n", "m.ir"));
        assertEquals(Optional.of("m.ir:3:1"), e.position());
        assertEquals("m.ir:3:1: ", e.getMessage().substring(0, 10));
    }

    @Test
    void aPlanTextErrorIsAtItsLine() {
        PlanParseException e =
                assertThrows(PlanParseException.class, () -> PlanParser.parse("plan p {\n  ?\n}\n", "s.plan"));
        assertEquals(Optional.of("s.plan:2"), e.position());
        assertEquals("s.plan:2: ", e.getMessage().substring(0, 10));
    }

    @Test
    void aShapeErrorIsAtTheDslLineThatMadeTheNode() {
        GraphBuilder b = new GraphBuilder("g");
        var x = b.input("x", TensorType.of(DType.F32, 2, 3));
        var y = b.input("y", TensorType.of(DType.F32, 4));
        ShapeException e = assertThrows(
                ShapeException.class,
                () -> SourceLoc.callAt(new SourceLoc("Model.java", 12), () -> b.binary(BinaryFn.ADD, x, y)));
        assertEquals(Optional.of("Model.java:12"), e.position());
    }

    @Test
    void anErrorWithoutAPlaceHasNone() {
        assertEquals(Optional.empty(), new IrException("no such model").position());
        assertEquals(Optional.empty(), new JavelinException("x", " ", null).position());
    }
}
