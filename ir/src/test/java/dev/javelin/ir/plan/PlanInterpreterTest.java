package dev.javelin.ir.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.interp.InterpreterException;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan interpreter runs kernels over a real arena and applies assigns after the run. */
class PlanInterpreterTest {
    private static final long[] S = {2, 2};

    @Test
    void runsTheKernelsAndReportsOutputsAndAssigns() {
        Plan p = PlanParser.parse(PlanTextTest.TEXT);
        NdArray x = NdArray.of(DType.F32, S, 1, 2, 3, 4);
        NdArray w = NdArray.of(DType.F32, S, 1, 0, 0, -1);
        Interpreter.Result r = PlanInterpreter.run(p, Map.of("x", x, "w", w));
        NdArray want = NdArray.of(DType.F32, S, 1.5, -1.5, 3.5, -3.5);
        assertEquals(Map.of("y", want), r.outputs());
        assertEquals(Map.of("w", want), r.updatedParameters());
        assertEquals(NdArray.of(DType.F32, S, 1, 0, 0, -1), w, "feeds are never modified");
    }

    @Test
    void aFeedOfTheWrongShapeIsReported() {
        Plan p = PlanParser.parse(PlanTextTest.TEXT);
        NdArray w = NdArray.of(DType.F32, S, 1, 0, 0, -1);
        InterpreterException e = assertThrows(
                InterpreterException.class,
                () -> PlanInterpreter.run(p, Map.of("x", NdArray.zeros(DType.F32, 3, 2), "w", w)));
        assertEquals("plan tiny: input x: expected f32[2,2], found f32[3,2] (shape [3, 2])", e.getMessage());
    }

    @Test
    void sharedBytesChangeNumbersOrTearElements() {
        Buffer a = new Buffer("a", TensorType.of(DType.F64, 2), Storage.ARENA, 0);
        Buffer sameStart = new Buffer("b", TensorType.of(DType.F64, 1), Storage.ARENA, 0);
        Buffer inside = new Buffer("c", TensorType.of(DType.F32, 1), Storage.ARENA, 12);
        Arena arena = new Arena(256);
        NdArray v = NdArray.of(DType.F64, new long[] {2}, 1.25, -7);
        arena.write(a, v);
        assertEquals(v, arena.read(a, new long[] {2}));
        arena.write(sameStart, NdArray.of(DType.F64, new long[] {1}, 99));
        assertNotEquals(v, arena.read(a, new long[] {2}));
        arena.write(inside, NdArray.of(DType.F32, new long[] {1}, 3));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> arena.read(a, new long[] {2}));
        assertEquals(
                "arena buffer %a element 1 at byte 8 is torn: byte 12 was overwritten by another buffer",
                e.getMessage());
    }
}
