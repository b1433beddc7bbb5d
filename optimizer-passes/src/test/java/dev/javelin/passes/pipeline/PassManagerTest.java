package dev.javelin.passes.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.text.Parser;
import dev.javelin.ir.text.Printer;
import dev.javelin.passes.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassManagerTest {
    private static final String GRAPH = """
            graph g {
              %x = input : f32[3]
              %one = constant {values=[1.0]} : f32[]
              %two = constant {values=[2.0]} : f32[]
              %0 = mul(%x, %one) : f32[3]
              %1 = add(%one, %two) : f32[]
              %2 = exp(%0) : f32[3]
              %3 = exp(%x) : f32[3]
              %4 = add(%2, %3) : f32[3]
              output y = %4
            }
            """;

    private static final String SIMPLIFIED = """
            graph g {
              %x = input : f32[3]
              %2 = exp(%x) : f32[3]
              %4 = add(%2, %2) : f32[3]
              output y = %4
            }
            """;

    @Test
    void thePipelineSimplifiesAndReportsCountersPerPass() {
        var r = Pipeline.run(Parser.parse(GRAPH), PassOptions.verifying());
        assertEquals(Golden.normalize(SIMPLIFIED), Printer.print(r.graph()));
        assertEquals("""
                001 fold-constants   folded=1
                002 identities       rewrites=1 mul-by-one=1
                003 layout           no changes
                004 conv-layout      no changes
                005 cse              merged=1
                006 dce              removed=3
                """, r.report());
    }

    @Test
    void aPassSwitchedOffByNameDoesNotRun() {
        var r = Pipeline.run(Parser.parse(GRAPH), PassOptions.verifying().withDisabled("cse", "fold-constants"));
        assertFalse(r.run("cse").ran());
        assertTrue(r.report().contains("005 cse              (off)"), r.report());
        assertTrue(Printer.print(r.graph()).contains("%3 = exp(%x)"), Printer.print(r.graph()));
    }

    @Test
    void anUnknownPassNameIsAnErrorListingTheKnownOnes() {
        var e = assertThrows(
                PassException.class,
                () -> Pipeline.run(Parser.parse(GRAPH), PassOptions.verifying().withDisabled("fusion", "cse")));
        assertEquals(
                "cannot switch off unknown pass 'fusion'; expected one of fold-constants, identities, layout, conv-layout, cse, dce",
                e.getMessage());
    }

    @Test
    void dumpsTheIrAfterEveryPassAsNumberedFiles(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("dump");
        var r = Pipeline.run(
                Parser.parse(GRAPH),
                PassOptions.verifying().withDisabled("identities").withDumpDir(out));
        List<String> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertEquals(
                List.of(
                        "000-input.ir",
                        "001-fold-constants.ir",
                        "003-layout.ir",
                        "004-conv-layout.ir",
                        "005-cse.ir",
                        "006-dce.ir"),
                files);
        assertEquals(Golden.normalize(GRAPH), Files.readString(out.resolve("000-input.ir")));
        assertEquals(Printer.print(r.graph()), Files.readString(out.resolve("006-dce.ir")));
    }

    @Test
    void timingAddsATimePerPass() {
        var r = Pipeline.run(Parser.parse(GRAPH), PassOptions.verifying().withTimePasses(true));
        for (PassRun run : r.runs()) {
            assertTrue(run.nanos().isPresent(), run.name());
            assertTrue(run.line().matches(".* \\(\\d+\\.\\d\\d ms\\)"), run.line());
        }
        assertTrue(Pipeline.run(Parser.parse(GRAPH), PassOptions.verifying()).runs().stream()
                .allMatch(run -> run.nanos().isEmpty()));
    }

    /** Drops the first node that has operands, leaving its uses undefined. */
    private static final Pass BREAKER = new Pass() {
        @Override
        public String name() {
            return "breaker";
        }

        @Override
        public Graph run(Graph g, PassContext ctx) {
            List<Node> nodes = new ArrayList<>(g.nodes());
            nodes.remove(nodes.stream()
                    .filter(n -> !n.inputs().isEmpty())
                    .findFirst()
                    .orElseThrow());
            return new Graph(g.name(), nodes, g.outputs());
        }
    };

    @Test
    void verificationAfterEachPassNamesThePassThatBrokeTheGraph() {
        List<Pass> passes =
                List.of(Pipeline.passes().get(0), BREAKER, Pipeline.passes().get(3));
        var e = assertThrows(
                PassException.class, () -> PassManager.run(Parser.parse(GRAPH), passes, PassOptions.verifying()));
        assertTrue(
                e.getMessage()
                        .startsWith("pass 'breaker' (#2 of 3) produced an invalid graph:\n"
                                + "graph g is invalid (1 problem):\n"
                                + "  node %2 uses %0, which is not defined"),
                e.getMessage());
        // Without verification the broken graph goes through unnoticed by the manager.
        var r = PassManager.run(Parser.parse(GRAPH), List.of(BREAKER), PassOptions.defaults());
        assertEquals(Parser.parse(GRAPH).nodes().size() - 1, r.graph().nodes().size());
    }

    @Test
    void anInvalidInputGraphIsReportedBeforeAnyPass() {
        Graph broken = BREAKER.run(Parser.parse(GRAPH), new PassContext());
        var e = assertThrows(PassException.class, () -> Pipeline.run(broken, PassOptions.verifying()));
        assertTrue(e.getMessage().startsWith("the input graph is invalid (before any pass ran):\n"), e.getMessage());
    }
}
