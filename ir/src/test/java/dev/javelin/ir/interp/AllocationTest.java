package dev.javelin.ir.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.text.Parser;
import dev.javelin.ir.value.NdArray;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A value too large for the heap is refused by its size, naming the node, before anything is allocated. */
class AllocationTest {

    private static String error(String ir, Map<String, NdArray> feeds) {
        Graph g = Parser.parse(ir, "big.ir");
        return assertThrows(InterpreterException.class, () -> Interpreter.run(g, feeds))
                .getMessage();
    }

    private static final Pattern REFUSED = Pattern.compile(
            "node %(\\w+) \\((\\w+)\\): its value (\\S+) needs (\\d+) bytes \\(([0-9.]+ [KMGTPE]iB)(: \\d+ elements of 8"
                    + " bytes, as the interpreter holds every dtype\\)), but only (\\d+) bytes \\(.*\\) of the heap are"
                    + " available \\(maximum .*, raise the JVM's -Xmx, e.g. JAVA_OPTS=-Xmx8g for ./javelin\\)");

    @Test
    void aTeraElementConstantIsRefusedWithItsBytes() {
        String msg = error("""
                graph g {
                  %c = constant {values=[1.0]} : f32[1000000,1000000]
                  output c = %c
                }
                """, Map.of());
        var m = REFUSED.matcher(msg);
        assertTrue(m.matches(), msg);
        assertEquals("c", m.group(1));
        assertEquals("f32[1000000,1000000]", m.group(3));
        assertEquals("8000000000000", m.group(4));
        assertEquals("7.3 TiB", m.group(5));
        assertTrue(Long.parseLong(m.group(7)) <= Runtime.getRuntime().maxMemory(), msg);
    }

    @Test
    void aSymbolicShapeIsRefusedAtItsBoundSize() {
        String msg = error("""
                graph g {
                  %x = input : f32[n]
                  %b = broadcast(%x) {shape=[10000000000, n]} : f32[10000000000,n]
                  output b = %b
                }
                """, Map.of("x", NdArray.zeros(dev.javelin.ir.type.DType.F32, 3)));
        assertTrue(
                msg.startsWith("node %b (broadcast): its value f32[10000000000,n] (here [10000000000,3]) needs"
                        + " 240000000000 bytes (223.5 GiB: 30000000000 elements of 8 bytes"),
                msg);
    }

    @Test
    void countsBeyondALongAtRunTimeAreRefused() {
        String msg = error("""
                graph g {
                  %x = input : f32[n]
                  %b = broadcast(%x) {shape=[4611686018427387904, n]} : f32[4611686018427387904,n]
                  output b = %b
                }
                """, Map.of("x", NdArray.zeros(dev.javelin.ir.type.DType.F32, 3)));
        assertEquals(
                "node %b (broadcast): its value f32[4611686018427387904,n] (here [4611686018427387904,3]) has"
                        + " more elements than a 64-bit count holds",
                msg);
    }

    @Test
    void sizesReadForPeople() {
        assertEquals("512 bytes", Allocation.human(512));
        assertEquals("1.5 KiB", Allocation.human(1536));
        assertEquals("8.0 EiB", Allocation.human(Long.MAX_VALUE));
    }
}
