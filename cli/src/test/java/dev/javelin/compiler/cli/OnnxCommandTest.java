package dev.javelin.compiler.cli;

import static dev.javelin.compiler.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javelin.compiler.testing.Cli.Run;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.onnx.proto.Onnx.GraphProto;
import dev.javelin.onnx.proto.Onnx.ModelProto;
import dev.javelin.onnx.proto.Onnx.NodeProto;
import dev.javelin.onnx.proto.Onnx.OperatorSetIdProto;
import dev.javelin.onnx.proto.Onnx.TensorProto;
import dev.javelin.onnx.proto.Onnx.TensorShapeProto;
import dev.javelin.onnx.proto.Onnx.TypeProto;
import dev.javelin.onnx.proto.Onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code javelin onnx info} and {@code javelin run MODEL.onnx} on small models written here. */
class OnnxCommandTest {
    @TempDir
    Path tmp;

    /** y/out = relu(x) + bias, x: f32[batch, 3]; or {@code op} instead of Relu. */
    private Path model(String op) throws IOException {
        return model(op, "batch");
    }

    /** The same with its dynamic dim named {@code dim}. */
    private Path model(String op, String dim) throws IOException {
        return model(tmp, op, dim);
    }

    /** y/out = op(x) + bias, x: f32[dim, 3], written into {@code dir} (also for the bench's tests). */
    static Path model(Path dir, String op, String dim) throws IOException {
        var x = ValueInfoProto.newBuilder()
                .setName("x")
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(TensorProto.DataType.FLOAT_VALUE)
                                .setShape(TensorShapeProto.newBuilder()
                                        .addDim(TensorShapeProto.Dimension.newBuilder()
                                                .setDimParam(dim))
                                        .addDim(TensorShapeProto.Dimension.newBuilder()
                                                .setDimValue(3)))));
        var bias = TensorProto.newBuilder()
                .setName("bias")
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                .addDims(3)
                .addFloatData(1)
                .addFloatData(2)
                .addFloatData(3);
        var g = GraphProto.newBuilder()
                .setName("tiny")
                .addInput(x)
                .addInitializer(bias)
                .addNode(NodeProto.newBuilder()
                        .setName("act")
                        .setOpType(op)
                        .addInput("x")
                        .addOutput("r"))
                .addNode(NodeProto.newBuilder()
                        .setName("add")
                        .setOpType("Add")
                        .addInput("r")
                        .addInput("bias")
                        .addOutput("y/out"))
                .addOutput(ValueInfoProto.newBuilder().setName("y/out"));
        ModelProto m = ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(g)
                .build();
        Path file = dir.resolve(op + (dim.equals("batch") ? "" : "-" + dim) + ".onnx");
        Files.write(file, m.toByteArray());
        return file;
    }

    @Test
    void infoPrintsInputsOutputsOpsAndCoverage() throws IOException {
        Run r = run("onnx", "info", model("Relu").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                model: Relu.onnx (test)
                IR version: 8
                opsets: ai.onnx 13
                inputs:
                  x: float[batch, 3]
                outputs:
                  y/out: (not a tensor)
                initializers: 1 (3 values)
                ops (2 nodes):
                  Add                       1  supported
                  Relu                      1  supported
                coverage: 2 of 2 op types supported
                import: ok (5 graph nodes, 0 weight tensors)
                """, r.out());
    }

    @Test
    void runWritesOneNpyPerOutputOnTheInterpreterAndTheCpuBackend() throws IOException {
        Path in = tmp.resolve("x.npy");
        Npy.write(in, NdArray.of(DType.F32, new long[] {2, 3}, -1, 0, 1, 2, -3, 4));
        for (String backend : new String[] {"interpreter", "simd"}) {
            Path out = tmp.resolve(backend);
            Run r = run(
                    "run",
                    model("Relu").toString(),
                    "--input",
                    "x=" + in,
                    "--output-dir",
                    out.toString(),
                    "--backend",
                    backend);
            assertEquals(0, r.code(), r.err());
            Path y = out.resolve("y_out.npy");
            assertEquals("y/out: f32[2,3] -> " + y + "\n", r.out());
            assertArrayEquals(new double[] {1, 2, 4, 3, 2, 7}, Npy.read(y).toDoubles(), 1e-6, backend);
        }
    }

    @Test
    void compileReportsOnAnOnnxModelWithItsDimsFixed() throws IOException {
        Path json = tmp.resolve("r.json");
        Run r = run("compile", model("Relu").toString(), "--dim", "batch=8", "--report", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(json).contains("\"kernels\""), Files.readString(json));
        Run open = run("compile", model("Relu", "n").toString());
        assertEquals(1, open.code());
        assertEquals(
                "javelin: graph tiny has symbolic dimension n; compile can only bind 'batch' (--batch N); fix"
                        + " an ONNX model's dims with --dim NAME=SIZE\n",
                open.err());
        assertEquals(
                0, run("compile", model("Relu", "n").toString(), "--dim", "n=4").code());
        Run ir = run("compile", tmp.resolve("x.ir").toString(), "--dim", "batch=8");
        assertEquals("javelin: --dim fixes the dims of an ONNX model; give a .onnx FILE\n", ir.err());
    }

    @Test
    void anUnsupportedOpAMissingInputAndABadBackendAreOneLineErrors() throws IOException {
        Run gelu = run("onnx", "info", model("Einsum").toString());
        assertEquals(0, gelu.code(), gelu.err());
        assertTrue(gelu.out().contains("  Einsum                    1  NOT SUPPORTED\n"), gelu.out());
        assertTrue(
                gelu.out().contains("import: fails: node 'act' (Einsum, opset 13): op Einsum is not supported;"),
                gelu.out());
        Run r = run("run", model("Einsum").toString(), "--output-dir", tmp.toString());
        assertEquals(1, r.code());
        assertTrue(
                r.err()
                        .startsWith("javelin: node 'act' (Einsum, opset 13): op Einsum is not supported; supported"
                                + " ops: Abs, Add, And, ArgMax, ArgMin, AveragePool, BatchNormalization,"),
                r.err());
        Run missing = run("run", model("Relu").toString(), "--output-dir", tmp.toString());
        assertEquals("javelin: input 'x' is missing; the model's inputs are [x]\n", missing.err());
        Run backend = run("run", model("Relu").toString(), "--output-dir", tmp.toString(), "--backend", "gpu");
        assertEquals("javelin: unknown --backend 'gpu' (expected interpreter, simd or cuda)\n", backend.err());
        Run notModel = run(
                "onnx",
                "info",
                Files.writeString(tmp.resolve("t.onnx"), "hello").toString());
        assertEquals(1, notModel.code());
        assertTrue(
                notModel.err().startsWith("javelin: " + tmp.resolve("t.onnx") + " is not an ONNX model"),
                notModel.err());
    }

    /** A model scripts/fetch-onnx-models caches; the calling test skips, naming the script, without it. */
    private static Path pretrained(String folder, String file) {
        // $JAVELIN_ONNX_MODELS overrides the cache, as in the onnx module's tests
        String env = System.getenv("JAVELIN_ONNX_MODELS");
        Path cache = env != null && !env.isBlank()
                ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "javelin", "onnx");
        Path p = cache.resolve(folder).resolve(file);
        assumeTrue(
                Files.isRegularFile(p),
                file + " is not in " + p.getParent()
                        + "; run scripts/fetch-onnx-models to fetch it (this test skips until then)");
        return p;
    }

    @Test
    void runFixesDynamicDimsForPpOcrsClassifier() throws IOException {
        Path p = pretrained("ppocr", "ch_ppocr_mobile_v2.0_cls_infer.onnx");
        Run info = run("onnx", "info", p.toString());
        assertTrue(info.out().contains("import: fails: node 'p2o.Conv.0' (Conv, opset 9): conv2d("), info.out());
        String[] dims = {"--dim", "p2o.DynamicDimension.1=48", "--dim", "p2o.DynamicDimension.2=192"};
        Run fixed = run("onnx", "info", p.toString(), dims[0], dims[1], dims[2], dims[3]);
        assertTrue(fixed.out().contains("import: ok ("), fixed.out());
        Path in = tmp.resolve("image.npy");
        Npy.write(in, NdArray.zeros(DType.F32, 1, 3, 48, 192));
        Run r = run(
                "run",
                p.toString(),
                "--input",
                "x=" + in,
                "--output-dir",
                tmp.toString(),
                "--backend",
                "simd",
                dims[0],
                dims[1],
                dims[2],
                dims[3]);
        assertEquals(0, r.code(), r.err());
        NdArray y = Npy.read(tmp.resolve("softmax_0.tmp_0.npy"));
        assertArrayEquals(new long[] {1, 2}, y.shape());
        assertEquals(1, y.get(0) + y.get(1), 1e-5, "class probabilities sum to 1");
        Run bad = run("run", p.toString(), "--output-dir", tmp.toString(), "--dim", "height");
        assertEquals("javelin: --dim expects NAME=SIZE with a whole number SIZE, found 'height'\n", bad.err());
        Run unknown = run("run", p.toString(), "--output-dir", tmp.toString(), "--dim", "height=48");
        assertEquals(
                "javelin: cannot fix dim 'height': the model's inputs have no dynamic dim of that name; they"
                        + " have p2o.DynamicDimension.0, p2o.DynamicDimension.1, p2o.DynamicDimension.2\n",
                unknown.err());
    }

    @Test
    void infoOnMiniLmSaysEveryOpIsSupported() {
        Path p = pretrained("all-minilm-l6-v2", "all-minilm-l6-v2.onnx");
        Run r = run("onnx", "info", p.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("  input_ids: int64[batch_size, sequence_length]\n"), r.out());
        assertTrue(r.out().contains("  last_hidden_state: float[batch_size, sequence_length, 384]\n"), r.out());
        assertTrue(r.out().contains("coverage: 19 of 19 op types supported\n"), r.out());
        assertTrue(r.out().contains("import: ok ("), r.out());
    }
}
