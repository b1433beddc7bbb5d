package dev.javelin.compiler.cli;

import static dev.javelin.compiler.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.Cli.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model-class CLASS --classpath DIR}: a user's model, compiled here from source into a
 * folder the CLI's class path does not hold, compiled, trained and timed by the commands.
 */
class ModelClassTest {
    @TempDir
    static Path classes;

    private static final String TINY_NET = """
            package com.acme;

            import dev.javelin.dsl.Loss;
            import dev.javelin.dsl.Net;
            import dev.javelin.dsl.Tensor;
            import dev.javelin.dsl.nn.Linear;
            import dev.javelin.dsl.train.TrainingModel;
            import dev.javelin.ir.type.DType;
            import dev.javelin.ir.value.NdArray;
            import java.util.Map;

            public final class TinyNet implements TrainingModel {
                private final Linear fc = new Linear(4, 3);

                @Override
                public String name() {
                    return "tiny-net";
                }

                @Override
                public Traced trace(Net net) {
                    net.module("fc", fc);
                    Tensor x = net.input("x", DType.F32, "batch", 4);
                    Tensor label = net.input("label", DType.I64, "batch");
                    Tensor logits = fc.forward(x);
                    return new Traced(logits, Loss.crossEntropy(logits, label));
                }

                @Override
                public Map<String, NdArray> syntheticBatch(int batch, long seed) {
                    double[] x = new double[batch * 4];
                    long[] label = new long[batch];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = Math.sin(seed + i);
                    }
                    for (int i = 0; i < batch; i++) {
                        label[i] = i % 3;
                    }
                    return Map.of(
                            "x", NdArray.of(DType.F32, new long[] {batch, 4}, x),
                            "label", NdArray.ofLongs(DType.I64, new long[] {batch}, label));
                }
            }
            """;

    private static final String NOT_A_MODEL = """
            package com.acme;

            public final class NotAModel {}
            """;

    @BeforeAll
    static void compileTheUsersClasses() throws IOException {
        Path src = Files.createDirectories(
                classes.resolveSibling(classes.getFileName() + "-src").resolve("com/acme"));
        Files.writeString(src.resolve("TinyNet.java"), TINY_NET);
        Files.writeString(src.resolve("NotAModel.java"), NOT_A_MODEL);
        int rc = ToolProvider.getSystemJavaCompiler()
                .run(
                        null,
                        null,
                        null,
                        "-d",
                        classes.toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        src.resolve("TinyNet.java").toString(),
                        src.resolve("NotAModel.java").toString());
        assertEquals(0, rc, "javac of the user's model");
    }

    private static Run javelin(String... args) {
        return run(args);
    }

    @Test
    void compileTrainAndBenchTakeTheUsersModel() throws IOException {
        Path report = classes.resolveSibling("tiny-report.json");
        Run c = javelin(
                "compile",
                "--model-class",
                "com.acme.TinyNet",
                "--classpath",
                classes.toString(),
                "--train",
                "--batch",
                "4",
                "--report",
                report.toString());
        assertEquals(0, c.code(), c.out() + c.err());
        Map<?, ?> r = CompileCommandTest.readReport(report);
        assertEquals("tiny-net", r.get("model"), r.toString());

        Run t = javelin(
                "train",
                "--model-class",
                "com.acme.TinyNet",
                "--classpath",
                classes.toString(),
                "--steps",
                "20",
                "--batch",
                "6",
                "--backend",
                "simd",
                "--lr",
                "0.1",
                "--optimizer",
                "sgd");
        assertEquals(0, t.code(), t.out() + t.err());
        assertTrue(t.out().contains("20 steps"), t.out());

        Run b = javelin(
                "bench",
                "--model-class",
                "com.acme.TinyNet",
                "--classpath",
                classes.toString(),
                "--batch",
                "8",
                "--runs",
                "3",
                "--warmup",
                "2",
                "--threads",
                "1");
        assertEquals(0, b.code(), b.out() + b.err());
        assertTrue(b.out().contains("tiny-net inference, batch 8"), b.out());
    }

    @Test
    void aMissingOrWrongClassIsNamed() {
        List<String[]> cases = List.of(
                new String[] {"com.acme.Nope", "--model-class com.acme.Nope is not on the class path (--classpath ["},
                new String[] {
                    "com.acme.NotAModel",
                    "--model-class com.acme.NotAModel does not implement dev.javelin.dsl.train.TrainingModel"
                });
        for (String[] c : cases) {
            Run r = javelin("compile", "--model-class", c[0], "--classpath", classes.toString());
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.err().startsWith("javelin: " + c[1]), r.err());
        }
        Run r = javelin("train", "--model-class", "com.acme.TinyNet", "--model", "mnist-mlp");
        assertEquals("javelin: give --model NAME or --model-class CLASS, not both\n", r.err());
        r = javelin("train", "--steps", "1");
        assertEquals("javelin: give --model NAME or --model-class CLASS\n", r.err());
        r = javelin("compile", "--model-class", "com.acme.TinyNet", "--classpath", "no/such/dir");
        assertEquals("javelin: --classpath entry no/such/dir does not exist\n", r.err());
    }
}
