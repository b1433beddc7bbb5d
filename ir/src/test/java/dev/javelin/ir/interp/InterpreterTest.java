package dev.javelin.ir.interp;

import static dev.javelin.ir.interp.Support.assertArray;
import static dev.javelin.ir.interp.Support.f32;
import static dev.javelin.ir.interp.Support.f64;
import static dev.javelin.ir.interp.Support.i64;
import static dev.javelin.ir.interp.Support.shape;
import static dev.javelin.ir.interp.Support.type;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.ir.verify.VerifyException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InterpreterTest {
    private static final TensorType X = TensorType.dims(DType.F32, "batch", 3L);

    private static GraphBuilder builder() {
        // Skip only the builder's own frames, so nodes record this test file as their call site.
        return new GraphBuilder("g", Set.of("dev.javelin.ir.graph."));
    }

    /** {@code out = sum(x + y, axis 1)} over x, y : f32[batch, 3]. */
    private static Graph addAndSum() {
        GraphBuilder b = builder();
        Value x = b.input("x", X);
        Value y = b.input("y", X);
        b.output("out", b.reduce(ReduceFn.SUM, b.binary(BinaryFn.ADD, x, y), false, 1));
        return b.build();
    }

    private static String feedError(Graph g, Map<String, NdArray> feeds) {
        return assertThrows(InterpreterException.class, () -> Interpreter.run(g, feeds))
                .getMessage();
    }

    private static NdArray rows(int batch, double start) {
        double[] v = new double[batch * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = start + i;
        }
        return f32(shape(batch, 3), v);
    }

    @Test
    void symbolicBatchBindsPerRun() {
        Graph g = addAndSum();
        // Row r of x + y holds 2 * (3r, 3r+1, 3r+2), so its sum is 18r + 6.
        assertArray(
                f32(shape(2), 6, 24),
                Interpreter.run(g, Map.of("x", rows(2, 0), "y", rows(2, 0)))
                        .outputs()
                        .get("out"));
        assertArray(
                f32(shape(5), 6, 24, 42, 60, 78),
                Interpreter.run(g, Map.of("x", rows(5, 0), "y", rows(5, 0)))
                        .outputs()
                        .get("out"));
    }

    @Test
    void symbolicShapesOfInnerNodesAreSubstituted() {
        GraphBuilder b = builder();
        Value x = b.input("x", TensorType.dims(DType.I64, "n", 2L));
        Value flat = b.add(new Reshape(Shape.dims("n", 2L)), x);
        Value idx = b.add(new Iota(TensorType.dims(DType.I64, "n", 2L), 0));
        b.output("y", b.binary(BinaryFn.MUL, flat, idx));
        Graph g = b.build();
        assertArray(
                i64(shape(3, 2), 0, 0, 3, 4, 10, 12),
                Interpreter.run(g, Map.of("x", i64(shape(3, 2), 1, 2, 3, 4, 5, 6)))
                        .outputs()
                        .get("y"));
    }

    @Test
    void assignReportsTheNewValueWhileReadsSeeTheOld() {
        GraphBuilder b = builder();
        Value w = b.parameter("w", type(DType.F64, 2));
        Value grad = b.input("grad", type(DType.F64, 2));
        Value step = b.binary(BinaryFn.SUB, w, b.binary(BinaryFn.MUL, b.scalar(DType.F64, 0.5), grad));
        Value assigned = b.assign(w, step);
        // Read after the assign in node order: still the fed value.
        Value doubled = b.binary(BinaryFn.ADD, w, w);
        b.output("new", assigned).output("doubled", doubled);
        Graph g = b.build();
        var r = Interpreter.run(g, Map.of("w", f64(shape(2), 1, 2), "grad", f64(shape(2), 4, -2)));
        assertEquals(Map.of("w", f64(shape(2), -1, 3)), r.updatedParameters());
        assertArray(f64(shape(2), -1, 3), r.outputs().get("new"));
        assertArray(f64(shape(2), 2, 4), r.outputs().get("doubled"));
    }

    @Test
    void outputsComeInOutputOrder() {
        GraphBuilder b = builder();
        Value x = b.input("x", type(DType.F64, 1));
        b.output("zeta", b.unary(UnaryFn.NEG, x)).output("alpha", x).output("mid", b.unary(UnaryFn.ABS, x));
        var r = Interpreter.run(b.build(), Map.of("x", f64(shape(1), -2)));
        assertEquals(List.of("zeta", "alpha", "mid"), List.copyOf(r.outputs().keySet()));
        assertEquals(Map.of(), r.updatedParameters());
    }

    @Test
    void resultsNeverAliasTheFeeds() {
        GraphBuilder b = builder();
        Value x = b.input("x", type(DType.F64, 1));
        b.output("same", x);
        NdArray fed = f64(shape(1), 5);
        NdArray out = Interpreter.run(b.build(), Map.of("x", fed)).outputs().get("same");
        assertNotSame(fed, out);
        out.set(0, 6);
        assertEquals(5, fed.get(0));
    }

    @Test
    void constantsSplatAndFull() {
        GraphBuilder b = builder();
        b.output("splat", b.constant(type(DType.F32, 2, 2), 1.5));
        b.output("full", b.constant(type(DType.I64, 3), 1, -2, 1L << 40));
        var r = Interpreter.run(b.build(), Map.of());
        assertArray(f32(shape(2, 2), 1.5, 1.5, 1.5, 1.5), r.outputs().get("splat"));
        assertArray(i64(shape(3), 1, -2, 1L << 40), r.outputs().get("full"));
    }

    @Test
    void missingFeed() {
        assertEquals("no feed for input %y : f32[batch,3] (fed: [x])", feedError(addAndSum(), Map.of("x", rows(2, 0))));
    }

    @Test
    void missingParameterFeed() {
        GraphBuilder b = builder();
        b.output("w", b.parameter("fc.weight", type(DType.F32, 2)));
        assertEquals("no feed for parameter %fc.weight : f32[2] (fed: [])", feedError(b.build(), Map.of()));
    }

    @Test
    void extraFeed() {
        assertEquals(
                "feed 'z' names no input or parameter of graph g (expected [%x, %y])",
                feedError(addAndSum(), Map.of("x", rows(2, 0), "y", rows(2, 0), "z", rows(2, 0))));
    }

    @Test
    void nullFeed() {
        Map<String, NdArray> feeds = new HashMap<>();
        feeds.put("x", rows(2, 0));
        feeds.put("y", null);
        assertEquals("input %y: expected f32[batch,3], found a null feed", feedError(addAndSum(), feeds));
    }

    @Test
    void wrongDtype() {
        assertEquals(
                "input %x: expected dtype f32 (f32[batch,3]), found f64 (f64[2,3])",
                feedError(addAndSum(), Map.of("x", f64(shape(2, 3), 0, 0, 0, 0, 0, 0), "y", rows(2, 0))));
    }

    @Test
    void wrongRank() {
        assertEquals(
                "input %y: expected rank 2 (f32[batch,3]), found rank 1 (f32[3])",
                feedError(addAndSum(), Map.of("x", rows(2, 0), "y", f32(shape(3), 1, 2, 3))));
    }

    @Test
    void wrongStaticDimension() {
        assertEquals(
                "input %x: expected size 3 on axis 1 (f32[batch,3]), found 4 (f32[2,4])",
                feedError(addAndSum(), Map.of("x", f32(shape(2, 4), 0, 0, 0, 0, 0, 0, 0, 0), "y", rows(2, 0))));
    }

    @Test
    void inconsistentSymbolicBinding() {
        assertEquals(
                "input %y: symbolic dimension 'batch' is 16 on axis 0 (f32[16,3] for f32[batch,3]), but input "
                        + "%x axis 0 bound it to 32",
                feedError(addAndSum(), Map.of("x", rows(32, 0), "y", rows(16, 0))));
    }

    @Test
    void inconsistentSymbolicBindingWithinOneFeed() {
        GraphBuilder b = builder();
        b.output("y", b.input("sq", TensorType.dims(DType.F64, "n", "n")));
        assertEquals(
                "input %sq: symbolic dimension 'n' is 3 on axis 1 (f64[2,3] for f64[n,n]), but input %sq "
                        + "axis 0 bound it to 2",
                feedError(b.build(), Map.of("sq", f64(shape(2, 3), 1, 2, 3, 4, 5, 6))));
    }

    @Test
    void symbolThatNoFeedBindsIsAnError() {
        GraphBuilder b = builder();
        Value v = b.addNamed("idx", new Iota(TensorType.dims(DType.I64, "n"), 0));
        b.output("y", v);
        Graph g = b.build();
        assertEquals(
                "node %idx (iota) at " + g.node("idx").loc() + ": symbolic dimension 'n' of i64[n] is bound by "
                        + "no input or parameter; feed a tensor that has it",
                feedError(g, Map.of()));
        assertEquals("InterpreterTest.java", g.node("idx").loc().file());
    }

    @Test
    void anInvalidGraphIsRejectedByTheVerifier() {
        TensorType t = type(DType.F64, 1);
        Graph g = new Graph(
                "bad",
                List.of(new Node("y", new Unary(UnaryFn.NEG), List.of("missing"), t)),
                List.of(new Output("y", "y")));
        var e = assertThrows(VerifyException.class, () -> Interpreter.run(g, Map.of()));
        assertEquals("defined uses", e.problems().get(0).invariant());
    }
}
