package dev.javelin.ir.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import java.util.List;
import org.junit.jupiter.api.Test;

class DefUseTest {
    private static final TensorType T = TensorType.of(DType.F32, 4);

    /** {@code p = parameter; x = input; m = x*x; s = m+p; assign(p, s); output y = s, z = m}. */
    private static Graph graph() {
        GraphBuilder b = new GraphBuilder("g");
        Value p = b.parameter("p", T);
        Value x = b.input("x", T);
        Value m = b.addNamed("m", new Binary(BinaryFn.MUL), x, x);
        Value s = b.addNamed("s", new Binary(BinaryFn.ADD), m, p);
        b.addNamed("a", new Assign(), p, s);
        b.addNamed("n", new Unary(UnaryFn.NEG), m);
        return b.output("y", s).output("z", m).build();
    }

    @Test
    void producersAndPositionsByName() {
        DefUse d = graph().defUse();
        assertEquals(2, d.indexOf("m"));
        assertEquals(-1, d.indexOf("nope"));
        assertEquals("s", d.producer("s").name());
        assertNull(d.producer("nope"));
    }

    @Test
    void useCountsCountEveryOperandAndOutput() {
        DefUse d = graph().defUse();
        // x is read twice by m; m by s and n and output z; s by the assign and output y.
        assertEquals(2, d.useCount("x"));
        assertEquals(3, d.useCount("m"));
        assertEquals(2, d.useCount("s"));
        assertEquals(0, d.useCount("n"));
        assertEquals(0, d.useCount("nope"));
    }

    @Test
    void usersAreListedOnceInNodeOrder() {
        DefUse d = graph().defUse();
        assertEquals(List.of("m"), d.users("x").stream().map(Node::name).toList());
        assertEquals(List.of("s", "n"), d.users("m").stream().map(Node::name).toList());
        assertArrayEquals(new int[] {3, 4}, d.users(0));
        assertEquals(List.of(), d.users("nope"));
    }

    @Test
    void anAssignHoldsItsValueOperandsValue() {
        DefUse d = graph().defUse();
        assertEquals("s", d.throughAssigns("a"));
        assertEquals("m", d.throughAssigns("m"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.throughAssigns("nope"));
        assertEquals("no node %nope", e.getMessage());
    }

    @Test
    void theAnalysisIsComputedOncePerGraph() {
        Graph g = graph();
        assertSame(g.defUse(), g.defUse());
    }

    @Test
    void aKernelBodyHasNoOutputs() {
        DefUse d = DefUse.of(graph().nodes());
        assertEquals(2, d.useCount("m"));
    }

    @Test
    void anEditorLooksUpWhatItEmittedAndRefusesANameTwice() {
        GraphEditor e = new GraphEditor();
        Graph g = graph();
        e.add(g.nodes().get(0));
        e.add(g.nodes().get(1));
        assertSame(g.nodes().get(1), e.get("x"));
        assertNull(e.get("m"));
        IllegalArgumentException ex = assertThrows(
                IllegalArgumentException.class, () -> e.add(g.nodes().get(1)));
        assertEquals("node %x is emitted twice", ex.getMessage());
        assertEquals(2, e.build("h", List.of()).nodes().size());
    }
}
