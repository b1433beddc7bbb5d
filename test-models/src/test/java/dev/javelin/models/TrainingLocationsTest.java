package dev.javelin.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.codegen.cuda.CudaCodegen;
import dev.javelin.codegen.simd.CpuCodegen;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.SourceLoc;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.text.Printer;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A training step's nodes name the model's own source lines: the forward pass where the model made
 * them, the gradient at its forward node's line marked backward, the optimizer's update at the
 * parameter's line. None names the code that asked for the step (this test here; the CLI's model
 * loader on the command line), and the generated kernels' comments list the same lines.
 */
class TrainingLocationsTest {
    /** A node's location as the IR text and the kernels' comments write it. */
    private static final Pattern LOC = Pattern.compile("@\"([^\"]*)\":(\\d+)( \\(backward\\))?");

    private static Graph trainStep(String model) {
        return new Trainer(new TestModels().create(model), Optimizer.adam(), 0, null, Backend.INTERPRETER).trainGraph();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "transformer-block, TransformerBlock.java",
        "mnist-mlp, MnistMlp.java",
        "lenet5, LeNet5.java",
        "two-layer-net, TwoLayerNet.java"
    })
    void everyNodeOfTheTrainingStepSitsInTheModelsFileAndTheGradientIsMarkedBackward(String model, String file) {
        Graph g = trainStep(model);
        List<Node> nodes = g.nodes();
        String loss = g.outputs().stream()
                .filter(o -> o.name().equals("loss"))
                .findFirst()
                .orElseThrow()
                .node();
        int lossAt = nodes.indexOf(g.node(loss));
        int lrAt = nodes.indexOf(g.node("lr"));
        assertTrue(lossAt + 1 < lrAt, model + ": the gradient lies between the loss and the learning rate");
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            String where = model + " node " + i + ": " + Printer.node(n);
            assertEquals(file, n.loc().file(), where);
            assertEquals(i > lossAt && i < lrAt, n.loc().backward(), where);
        }
    }

    /**
     * The distinct locations the generated source's comments cite (the Java target's Javadoc
     * escapes quotes), one per line, in file and line order.
     */
    private static String locations(String source) {
        TreeSet<SourceLoc> seen = new TreeSet<>(Comparator.comparing(SourceLoc::file)
                .thenComparingInt(SourceLoc::line)
                .thenComparing(SourceLoc::backward));
        Matcher m = LOC.matcher(source.replace("&quot;", "\""));
        while (m.find()) {
            seen.add(new SourceLoc(m.group(1), Integer.parseInt(m.group(2)), m.group(3) != null));
        }
        return seen.stream().map(SourceLoc::toString).collect(Collectors.joining("\n"));
    }

    /**
     * Every line of TransformerBlock that makes a node of the training step: the forward calls
     * (37, 38, 43-48, 52), the loss (79, also where the learning rate and Adam's step count sit),
     * the module registration that makes the parameters (75, where their updates sit), and the
     * gradient of each forward line and of the loss.
     */
    private static final String TRANSFORMER_BLOCK_LINES = """
            TransformerBlock.java:37
            TransformerBlock.java:37 (backward)
            TransformerBlock.java:38
            TransformerBlock.java:38 (backward)
            TransformerBlock.java:43
            TransformerBlock.java:43 (backward)
            TransformerBlock.java:44
            TransformerBlock.java:44 (backward)
            TransformerBlock.java:45
            TransformerBlock.java:45 (backward)
            TransformerBlock.java:46
            TransformerBlock.java:46 (backward)
            TransformerBlock.java:47
            TransformerBlock.java:47 (backward)
            TransformerBlock.java:48
            TransformerBlock.java:48 (backward)
            TransformerBlock.java:52
            TransformerBlock.java:52 (backward)
            TransformerBlock.java:75
            TransformerBlock.java:79
            TransformerBlock.java:79 (backward)""";

    private static Plan transformerBlockPlan() {
        return Pipeline.compile(trainStep("transformer-block"), Map.of("batch", 32L), PassOptions.verifying())
                .plan();
    }

    @Test
    void theCudaKernelHeadersOfATrainingStepListTheModelsLines() {
        String source = CudaCodegen.generate(transformerBlockPlan()).source();
        assertEquals(TRANSFORMER_BLOCK_LINES, locations(source));
    }

    @Test
    void theJavaKernelCommentsOfATrainingStepListTheModelsLines() {
        String source = CpuCodegen.generate(transformerBlockPlan(), "dev.javelin.generated", "TrainStep")
                .source();
        assertEquals(TRANSFORMER_BLOCK_LINES, locations(source));
    }
}
