package dev.javelin.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.JavelinException;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.checkpoint.Checkpoint;
import dev.javelin.dsl.nn.Linear;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.text.Printer;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java front door: a traced net compiled for the CPU, run from host memory, against the interpreter. */
class JavelinTest {
    private static final int BATCH = 4;

    @TempDir
    Path tmp;

    private static Net mlp() {
        Net net = new Net("mlp");
        Tensor x = net.input("x", DType.F32, "batch", 6);
        Tensor h = net.module("fc1", new Linear(6, 5)).forward(x).relu();
        net.output("y", net.module("fc2", new Linear(5, 3)).forward(h));
        return net;
    }

    private CompileOptions options() {
        return CompileOptions.cpu().withBatch(BATCH).withThreads(2).withCacheDir(tmp.resolve("cache"));
    }

    private static float[] input() {
        float[] x = new float[BATCH * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(0.7 * i) * 2;
        }
        return x;
    }

    /** The interpreter's output for {@code x} with {@code params}, at batch {@link #BATCH}. */
    private static float[] expected(Net net, Map<String, NdArray> params, float[] x) {
        Map<String, NdArray> feeds = new HashMap<>(params);
        double[] xd = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            xd[i] = x[i];
        }
        feeds.put("x", NdArray.of(DType.F32, new long[] {BATCH, 6}, xd));
        Graph g = dev.javelin.passes.lower.Specialize.graph(net.build(), Map.of("batch", (long) BATCH));
        double[] y = Interpreter.run(g, feeds).outputs().get("y").toDoubles();
        float[] f = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            f[i] = (float) y[i];
        }
        return f;
    }

    private static void close(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * (1 + Math.abs(want[i])), "element " + i);
        }
    }

    @Test
    void aTracedNetRunsFromAFloatArrayAndMatchesTheInterpreter() {
        Net net = mlp();
        float[] x = input();
        try (CompiledModel m = Javelin.compile(net, options())) {
            assertEquals("cpu", m.target());
            assertEquals("[x: f32[4, 6]]", m.inputs().toString());
            assertEquals("[y: f32[4, 3]]", m.outputs().toString());
            assertEquals(4, m.parameters().size());
            HostTensor y = m.run(Map.of("x", HostTensor.of(x, BATCH, 6))).get("y");
            assertArrayEquals(new long[] {BATCH, 3}, y.shape());
            close(expected(net, net.initialValues(0), x), y.toFloats());
        }
    }

    @Test
    void buffersAndSegmentsInAndOutGiveTheSameValues() {
        Net net = mlp();
        float[] x = input();
        float[] want = expected(net, net.initialValues(0), x);
        try (CompiledModel m = Javelin.compile(net, options());
                Arena arena = Arena.ofConfined()) {
            FloatBuffer xb = ByteBuffer.allocateDirect(x.length * 4)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
            xb.put(0, x);
            FloatBuffer yb = FloatBuffer.allocate(BATCH * 3);
            m.run(Map.of("x", HostTensor.of(xb, BATCH, 6)), Map.of("y", HostTensor.of(yb, BATCH, 3)));
            float[] got = new float[BATCH * 3];
            yb.get(0, got);
            close(want, got);

            MemorySegment xs = arena.allocate(x.length * 4L);
            MemorySegment.copy(x, 0, xs, ValueLayout.JAVA_FLOAT, 0, x.length);
            MemorySegment ys = arena.allocate(BATCH * 3 * 4L);
            m.run(Map.of("x", HostTensor.of(xs, BATCH, 6)), Map.of("y", HostTensor.of(ys, BATCH, 3)));
            close(want, ys.toArray(ValueLayout.JAVA_FLOAT));
        }
    }

    @Test
    void repeatedRunsIntoTheCallersTensorsAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        float[] x = input();
        float[] y = new float[BATCH * 3];
        Map<String, HostTensor> in = Map.of("x", HostTensor.of(x, BATCH, 6));
        Map<String, HostTensor> out = Map.of("y", HostTensor.of(y, BATCH, 3));
        try (CompiledModel m = Javelin.compile(mlp(), options().withThreads(1))) {
            for (int i = 0; i < 30_000; i++) {
                m.run(in, out);
            }
            long id = Thread.currentThread().threadId();
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < 20_000; i++) {
                m.run(in, out);
            }
            long perRun = (threads.getThreadAllocatedBytes(id) - before) / 20_000;
            assertTrue(perRun < 16, "a steady-state run allocated " + perRun + " bytes");
        }
    }

    @Test
    void aCheckpointReplacesTheInitialValues() {
        Net net = mlp();
        Map<String, NdArray> trained = new LinkedHashMap<>();
        net.initialValues(7).forEach((path, v) -> {
            NdArray w = NdArray.zeros(v.dtype(), v.shape());
            for (int i = 0; i < w.size(); i++) {
                w.set(i, v.get(i) * 1.5 + 0.01 * i);
            }
            trained.put(path, w);
        });
        Map<String, NdArray> withState = new LinkedHashMap<>(trained);
        withState.put("adam.m.fc1.weight", NdArray.zeros(DType.F32, 5, 6));
        Path file = tmp.resolve("trained.safetensors");
        Checkpoint.save(file, withState);
        float[] x = input();
        try (CompiledModel m = Javelin.compile(net, options())) {
            m.loadCheckpoint(file);
            close(
                    expected(net, trained, x),
                    m.run(Map.of("x", HostTensor.of(x, BATCH, 6))).get("y").toFloats());
        }
        Map<String, NdArray> partial = new LinkedHashMap<>(trained);
        partial.remove("fc2.bias");
        Path lacking = tmp.resolve("lacking.safetensors");
        Checkpoint.save(lacking, partial);
        try (CompiledModel m = Javelin.compile(net, options())) {
            var e = assertThrows(JavelinException.class, () -> m.loadCheckpoint(lacking));
            assertTrue(e.getMessage().contains("has no tensor 'fc2.bias'"), e.getMessage());
        }
    }

    @Test
    void anIrFileCompilesAndRunsOnceItsParametersAreSet() throws Exception {
        Net net = mlp();
        Path ir = tmp.resolve("mlp.jir");
        Files.writeString(ir, Printer.print(net.build()));
        float[] x = input();
        try (CompiledModel m = Javelin.compile(ir, options())) {
            var e = assertThrows(JavelinException.class, () -> m.run(Map.of("x", HostTensor.of(x, BATCH, 6))));
            assertTrue(e.getMessage().contains("parameters without values"), e.getMessage());
            Map<String, NdArray> params = net.initialValues(3);
            m.setParameters(params);
            close(
                    expected(net, params, x),
                    m.run(Map.of("x", HostTensor.of(x, BATCH, 6))).get("y").toFloats());
        }
    }

    @Test
    void badInputsAreNamed() {
        float[] x = input();
        try (CompiledModel m = Javelin.compile(mlp(), options())) {
            assertMessage(
                    "input 'x' of model mlp is f32[4, 6], given a tensor of shape [6, 4]",
                    () -> m.run(Map.of("x", HostTensor.of(x, 6, BATCH))));
            assertMessage("model mlp has no input 'z' (inputs: [x])", () -> m.run(Map.of("z", HostTensor.of(x, 4, 6))));
            assertMessage("input 'x' of model mlp is missing", () -> m.run(Map.of()));
            assertMessage(
                    "input 'x' of model mlp is f32, given integers",
                    () -> m.run(Map.of("x", HostTensor.ofLongs(new long[24], 4, 6))));
            assertMessage(
                    "output 'y' of model mlp is f32[4, 3], given a tensor of shape [3]",
                    () -> m.run(Map.of("x", HostTensor.of(x, 4, 6)), Map.of("y", HostTensor.of(new float[3], 3))));
            assertMessage(
                    "model mlp has no parameter 'fc3.weight'",
                    () -> m.setParameter("fc3.weight", HostTensor.of(new float[1], 1)));
            assertMessage(
                    "parameter 'fc1.weight' of model mlp is f32[6, 5], given f32[7, 7]",
                    () -> m.setParameters(Map.of("fc1.weight", NdArray.zeros(DType.F32, 7, 7))));
            m.close();
            assertMessage("model mlp is closed", () -> m.run(Map.of("x", HostTensor.of(x, 4, 6))));
        }
        assertMessage("shape [4, 5] holds 20 values, but the float[] holds 24", () -> HostTensor.of(x, 4, 5));
        assertMessage(
                "graph mlp has symbolic dimension batch without a size",
                () -> Javelin.compile(mlp(), CompileOptions.cpu()));
        assertMessage(
                "compile target 'tpu' is not one of cpu, cuda, auto",
                () -> CompileOptions.cpu().withTarget("tpu"));
        assertMessage("IR file", () -> Javelin.compile(tmp.resolve("none.jir"), options()));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(JavelinException.class, call);
        assertTrue(e.getMessage().contains(part), "expected \"" + part + "\" in: " + e.getMessage());
    }
}
