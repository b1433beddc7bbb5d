package dev.javelin.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.dsl.checkpoint.Checkpoint;
import dev.javelin.dsl.checkpoint.SaveTarget;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainChecksTest {
    @TempDir
    Path tmp;

    @Test
    void aSaveThatFailsAfterTrainingKeepsTheWeightsInARescueFile() throws Exception {
        Map<String, NdArray> state = Map.of("w", NdArray.of(DType.F32, new long[] {2}, 1.5, -2));
        Path run = Files.createDirectories(tmp.resolve("runs"));
        Path target = run.resolve("ckpt.safetensors");
        SaveTarget.check(target, Checkpoint.types(state), Set.of()); // passes before training
        // ... and during training the folder is replaced by a file, so the save at the end cannot work
        Files.delete(run);
        Files.writeString(run, "not a folder any more");
        CliException e = assertThrows(
                CliException.class,
                () -> TrainChecks.save(
                        target,
                        state,
                        Map.of(Checkpoint.STEPS, "3"),
                        Set.of(),
                        "mnist-mlp",
                        new PrintWriter(new StringWriter())));
        List<Path> rescued;
        try (Stream<Path> s = Files.list(tmp)) {
            rescued = s.filter(p -> p.getFileName().toString().startsWith("javelin-rescue-mnist-mlp-"))
                    .toList();
        }
        assertEquals(1, rescued.size(), "one rescue file beside the target's nearest existing folder");
        assertTrue(e.getMessage().startsWith("cannot save --save " + target + ": "), e.getMessage());
        assertTrue(
                e.getMessage()
                        .endsWith("\nthe trained parameters and optimizer state were saved to " + rescued.get(0)
                                + " instead (continue from it with --init " + rescued.get(0) + ")"),
                e.getMessage());
        Checkpoint.Contents c = Checkpoint.read(rescued.get(0));
        assertEquals(state, c.tensors());
        assertEquals("3", c.metadata().get(Checkpoint.STEPS));
    }

    @Test
    void rescuesNeverReplaceEachOther() {
        Map<String, NdArray> state = Map.of("w", NdArray.zeros(DType.F32, 1));
        Path target = tmp.resolve("x/ck.safetensors");
        Path a = TrainChecks.rescue(target, state, Map.of(), "m");
        Path b = TrainChecks.rescue(target, state, Map.of(), "m");
        assertTrue(a != null && b != null && !a.equals(b), a + " " + b);
    }

    @Test
    void aNonFiniteValueIsNamedByItsExamplePastTheFirstChunk() {
        double[] v = new double[5000 * 3];
        v[4500 * 3 + 2] = Double.NaN;
        var ds = new dev.javelin.dsl.data.ArrayDataset(Map.of("x", NdArray.of(DType.F32, new long[] {5000, 3}, v)));
        CliException e = assertThrows(CliException.class, () -> TrainChecks.checkFinite(ds, "data D"));
        assertEquals(
                "data D: 'x' holds NaN in example 4500 at [2]; training needs finite values (fix or drop that example)",
                e.getMessage());
    }

    /**
     * A chain of 40 elementwise steps over a tensor an eighth of this JVM's free heap: adding every
     * value would need five heaps, but the compiled step fuses the chain and plans two tensors, so a
     * compiled backend starts; the float64 interpreter, which keeps every value, is refused.
     */
    @Test
    void aCompiledStepIsCheckedByItsPlannedMemory() {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        long n = free / 32;
        var g = new dev.javelin.ir.graph.GraphBuilder("chain");
        var y = g.input("x", dev.javelin.ir.type.TensorType.of(DType.F32, n));
        for (int i = 0; i < 40; i++) {
            y = g.unary(dev.javelin.ir.op.UnaryFn.TANH, y);
        }
        g.output("y", y);
        var graph = g.build();
        TrainChecks.checkMemory(graph, Map.of(), 1, false); // no exception: planned, it fits
        var e = assertThrows(CliException.class, () -> TrainChecks.checkMemory(graph, Map.of(), 1, true));
        assertTrue(e.getMessage().startsWith("--batch 1 needs about "), e.getMessage());
    }
}
