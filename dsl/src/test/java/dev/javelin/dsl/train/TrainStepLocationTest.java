package dev.javelin.dsl.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.SourceLoc;
import dev.javelin.ir.text.Printer;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A training step's nodes after the forward pass sit at the model's lines, not at the line that
 * asked for the step (this test, or the CLI's model loader): the gradient at its forward node's line
 * marked backward, each parameter's update at the parameter's line, the step's inputs at the loss's.
 */
class TrainStepLocationTest {

    /** Runs {@code op} as if the user's model called it at {@code Model.java:line}. */
    private static <T> T line(int line, Supplier<T> op) {
        return SourceLoc.callAt(new SourceLoc("Model.java", line), op::get);
    }

    /** {@code loss = sum(p * c)}, with {@code p} registered at line 1 and the loss at line 2. */
    private static Graph step(Optimizer optimizer) {
        Net net = new Net("m");
        Tensor p = line(1, () -> net.parameter("p", Param.of(Initializer.zeros(), 2)));
        Tensor loss = line(2, () -> p.mul(net.constant(p.type(), 0.5, -2.0)).sum());
        return TrainStep.build(net, loss, optimizer);
    }

    private static List<Node> after(Graph g, String name) {
        List<Node> nodes = g.nodes();
        return nodes.subList(nodes.indexOf(g.node(name)) + 1, nodes.size());
    }

    @Test
    void sgdsGradientAndUpdateSitAtTheModelsLines() {
        Graph g = step(Optimizer.sgd());
        // %2 is the loss (reduce_sum); the gradient of mul (line 2) is the constant c, broadcast.
        assertEquals("""
                %3 = constant {values=[1.0]} : f32[] @"Model.java":2 (backward)
                %4 = reshape(%3) {shape=[1]} : f32[1] @"Model.java":2 (backward)
                %5 = broadcast(%4) {shape=[2]} : f32[2] @"Model.java":2 (backward)
                %6 = mul(%5, %0) : f32[2] @"Model.java":2 (backward)
                %lr = input : f32[] @"Model.java":2
                %7 = mul(%6, %lr) : f32[2] @"Model.java":1
                %8 = sub(%p, %7) : f32[2] @"Model.java":1
                %9 = assign(%p, %8) : f32[2] @"Model.java":1""", after(g, "2").stream().map(Printer::node).collect(Collectors.joining("\n")));
    }

    @Test
    void adamsStateAndStepCountAreLocatedAndNotBackward() {
        Graph g = step(Optimizer.adam());
        List<Node> rest = after(g, "2");
        int lr = rest.indexOf(g.node("lr"));
        for (Node n : rest) {
            assertEquals("Model.java", n.loc().file(), Printer.node(n));
            assertEquals(rest.indexOf(n) < lr, n.loc().backward(), Printer.node(n));
        }
        assertEquals(new SourceLoc("Model.java", 2), g.node("adam.t").loc());
        assertEquals(new SourceLoc("Model.java", 1), g.node("adam.m.p").loc());
        assertTrue(lr > 0, "the gradient comes before the step's inputs");
        assertFalse(g.nodes().stream().anyMatch(n -> n.loc().file().equals("TrainStepLocationTest.java")));
    }
}
