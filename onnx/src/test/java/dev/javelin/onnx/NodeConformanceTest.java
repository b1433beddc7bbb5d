package dev.javelin.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import dev.javelin.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * ONNX's own operator conformance tests (Debian's libonnx-testdata 1.12: one model per case with
 * input and expected output tensors) on the reference interpreter and the CPU backend. A case whose ops Javelin supports
 * either imports and matches the expected outputs (rtol 1e-3, atol 1e-5, as ONNX's backend tests;
 * integers and bools exactly), or is refused at import with an OnnxException (an attribute, dtype
 * or shape the importer does not take, said in the message); a wrong value is a failure. The counts
 * per op are printed.
 */
class NodeConformanceTest {
    /** Where Debian installs the node tests; $JAVELIN_ONNX_TESTDATA overrides. */
    static Path root() {
        String env = System.getenv("JAVELIN_ONNX_TESTDATA");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of("/usr/share/libonnx-testdata/data/node");
    }

    /** What happened to one case. */
    enum Outcome {
        PASSED,
        REFUSED,
        WRONG,
        UNSUPPORTED_OP
    }

    record Result(String test, String op, Outcome outcome, String detail) {}

    /**
     * The CPU backend (float32 arithmetic) on every case the interpreter passes: the same expected
     * outputs within the same tolerance (about 30 s of javac for some 370 small graphs).
     */
    @Test
    void everyCaseTheInterpreterPassesMatchesOnTheCpuBackend(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        Path root = root();
        assumeTrue(
                Files.isDirectory(root),
                "ONNX's node tests are not in " + root
                        + "; install Debian's libonnx-testdata (apt-get install libonnx-testdata; .ci/run does) to run them");
        Map<String, Path> cases = new TreeMap<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                if (Files.isRegularFile(dir.resolve("model.onnx"))) {
                    Result r = run(dir);
                    if (r.outcome() == Outcome.PASSED) {
                        cases.put(r.test(), dir);
                    }
                }
            }
        }
        long t0 = System.nanoTime();
        List<String> wrong = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (var e : cases.entrySet()) {
            String outcome = onCpu(e.getValue(), tmp);
            if (outcome.startsWith("refused")) {
                refused.add(e.getKey() + " " + outcome);
            } else if (!outcome.isEmpty()) {
                wrong.add(e.getValue().getFileName() + ": " + outcome);
            }
        }
        System.out.printf(
                "NodeConformanceTest: CPU backend: %d cases, %d match, %d not compiled, %d wrong (%d s)%n",
                cases.size(),
                cases.size() - refused.size() - wrong.size(),
                refused.size(),
                wrong.size(),
                (System.nanoTime() - t0) / 1_000_000_000);
        refused.forEach(r -> System.out.println("  " + r));
        assertEquals(List.of(), wrong);
        assertEquals(List.of(), refused);
    }

    /** "" when the case matches on the CPU backend, "refused: why" when it does not compile, else what differs. */
    static String onCpu(Path dir, Path tmp) throws IOException {
        ModelProto m = OnnxModel.read(dir.resolve("model.onnx"));
        OnnxModel model = OnnxModel.of(m, dir, dir.getFileName().toString());
        Path data = dir.resolve("test_data_set_0");
        Map<String, dev.javelin.compiler.HostTensor> in = new LinkedHashMap<>();
        int k = 0;
        for (var e : model.inputNames().entrySet()) {
            NdArray a = tensor(data.resolve("input_" + k++ + ".pb"), dir);
            in.put(e.getValue(), host(a));
        }
        dev.javelin.compiler.CompiledModel c;
        try {
            c = dev.javelin.compiler.Javelin.compile(
                    model.graph(),
                    dev.javelin.compiler.CompileOptions.cpu().withThreads(1).withCacheDir(tmp));
        } catch (dev.javelin.JavelinException e) {
            return "refused: " + e.getMessage().lines().findFirst().orElse("");
        }
        try (c) {
            c.setParameters(model.weights());
            var got = c.run(in);
            int j = 0;
            for (var e : model.outputNames().entrySet()) {
                NdArray expected = tensor(data.resolve("output_" + j++ + ".pb"), dir);
                var t = got.get(e.getValue());
                NdArray actual = t.isIntegral()
                        ? NdArray.ofLongs(expected.dtype(), expected.shape(), t.toLongs())
                        : NdArray.of(expected.dtype(), expected.shape(), toDoubles(t.toFloats()));
                String diff = compare(actual, expected);
                if (diff != null) {
                    return e.getKey() + ": " + diff;
                }
            }
        }
        return "";
    }

    private static dev.javelin.compiler.HostTensor host(NdArray a) {
        if (!a.dtype().isFloat()) {
            return dev.javelin.compiler.HostTensor.ofLongs(a.toLongs(), a.shape());
        }
        double[] d = a.toDoubles();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return dev.javelin.compiler.HostTensor.of(f, a.shape());
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void everyImportedCaseMatchesItsExpectedOutputs() throws IOException {
        Path root = root();
        assumeTrue(
                Files.isDirectory(root),
                "ONNX's node tests are not in " + root
                        + "; install Debian's libonnx-testdata (apt-get install libonnx-testdata; .ci/run does) to run them");
        List<Result> results = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                if (Files.isRegularFile(dir.resolve("model.onnx"))) {
                    results.add(run(dir));
                }
            }
        }
        Map<String, int[]> perOp = new TreeMap<>();
        for (Result r : results) {
            perOp.computeIfAbsent(r.op(), k -> new int[4])[r.outcome().ordinal()]++;
        }
        StringBuilder table = new StringBuilder("NodeConformanceTest: op: passed/refused/wrong\n");
        perOp.forEach((op, c) -> {
            if (c[3] == 0) {
                table.append(String.format("  %-22s %d/%d/%d%n", op, c[0], c[1], c[2]));
            }
        });
        long passed =
                results.stream().filter(r -> r.outcome() == Outcome.PASSED).count();
        long refused =
                results.stream().filter(r -> r.outcome() == Outcome.REFUSED).count();
        long unsupported = results.stream()
                .filter(r -> r.outcome() == Outcome.UNSUPPORTED_OP)
                .count();
        List<Result> wrong =
                results.stream().filter(r -> r.outcome() == Outcome.WRONG).toList();
        table.append(String.format(
                "NodeConformanceTest: %d cases: %d passed, %d refused at import, %d wrong, %d with unsupported ops%n",
                results.size(), passed, refused, wrong.size(), unsupported));
        results.stream()
                .filter(r -> r.outcome() == Outcome.REFUSED || r.outcome() == Outcome.WRONG)
                .forEach(r -> table.append("  ")
                        .append(r.outcome())
                        .append(' ')
                        .append(r.test())
                        .append(": ")
                        .append(r.detail())
                        .append('\n'));
        Map<String, Integer> missing = new TreeMap<>();
        results.stream()
                .filter(r -> r.outcome() == Outcome.UNSUPPORTED_OP)
                .forEach(r -> missing.merge(r.detail(), 1, Integer::sum));
        table.append("NodeConformanceTest: cases per unsupported op: ")
                .append(missing)
                .append('\n');
        System.out.print(table);
        assertEquals(
                List.of(), wrong.stream().map(r -> r.test() + ": " + r.detail()).toList());
        assertTrue(passed >= 300, "passed " + passed);
    }

    static Result run(Path dir) throws IOException {
        String test = dir.getFileName().toString();
        ModelProto m = OnnxModel.read(dir.resolve("model.onnx"));
        Set<String> ops = new HashSet<>();
        String unsupported = null;
        for (NodeProto n : m.getGraph().getNodeList()) {
            ops.add(n.getOpType());
            boolean defaultDomain = n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
            if (!defaultDomain || !Ops.supported().contains(n.getOpType())) {
                unsupported = n.getOpType();
            }
        }
        String op = m.getGraph().getNodeCount() == 1 ? m.getGraph().getNode(0).getOpType() : "(" + test + ")";
        if (unsupported != null) {
            return new Result(test, op, Outcome.UNSUPPORTED_OP, unsupported);
        }
        Path data = dir.resolve("test_data_set_0");
        try {
            OnnxModel model = OnnxModel.of(m, dir, test);
            Map<String, NdArray> inputs = new LinkedHashMap<>();
            int k = 0;
            Set<String> initializers = new HashSet<>();
            m.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
            for (ValueInfoProto in : m.getGraph().getInputList()) {
                if (!initializers.contains(in.getName())) {
                    inputs.put(in.getName(), tensor(data.resolve("input_" + k++ + ".pb"), dir));
                }
            }
            Map<String, NdArray> got =
                    Interpreter.run(model.graph(), model.feeds(inputs)).outputs();
            int j = 0;
            for (ValueInfoProto out : m.getGraph().getOutputList()) {
                NdArray expected = tensor(data.resolve("output_" + j++ + ".pb"), dir);
                String diff = compare(got.get(model.outputNames().get(out.getName())), expected);
                if (diff != null) {
                    return new Result(test, op, Outcome.WRONG, out.getName() + ": " + diff);
                }
            }
            return new Result(test, op, Outcome.PASSED, "");
        } catch (OnnxException e) {
            return new Result(test, op, Outcome.REFUSED, e.getMessage());
        } catch (RuntimeException e) {
            return new Result(test, op, Outcome.WRONG, e.toString());
        }
    }

    static NdArray tensor(Path pb, Path dir) throws IOException {
        TensorProto t = TensorProto.parseFrom(Files.readAllBytes(pb));
        return Tensors.read(t, dir, pb.getFileName().toString());
    }

    /** Null when {@code got} matches {@code expected}; otherwise what differs. */
    static String compare(NdArray got, NdArray expected) {
        if (!Arrays.equals(got.shape(), expected.shape())) {
            return "shape " + Arrays.toString(got.shape()) + ", expected " + Arrays.toString(expected.shape());
        }
        if (got.dtype() != expected.dtype()) {
            return "dtype " + got.dtype() + ", expected " + expected.dtype();
        }
        for (int i = 0; i < got.size(); i++) {
            double a = got.get(i);
            double b = expected.get(i);
            boolean same = expected.dtype().isFloat()
                    ? (Double.isNaN(a) && Double.isNaN(b)) || a == b || Math.abs(a - b) <= 1e-5 + 1e-3 * Math.abs(b)
                    : got.getLong(i) == expected.getLong(i);
            if (!same) {
                return "element " + i + " is " + a + ", expected " + b;
            }
        }
        return null;
    }
}
