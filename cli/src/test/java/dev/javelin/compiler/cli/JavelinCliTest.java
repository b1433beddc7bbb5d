package dev.javelin.compiler.cli;

import static dev.javelin.compiler.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.Cli.Run;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a user meets it: exit codes, one-line errors, files written. */
class JavelinCliTest {
    static final Path EXAMPLES = Path.of("..", "examples", "ir");

    @TempDir
    Path tmp;

    @Test
    void versionAndHelp() {
        Run v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("javelin 0.1.0"), v.out());
        Run h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("ir") && h.out().contains("demo"), h.out());
    }

    @Test
    void unknownOptionIsOneLineAndExitTwo() {
        Run r = run("--bogus");
        assertEquals(2, r.code());
        assertEquals("javelin: Unknown option: '--bogus' (see 'javelin --help')\n", r.err());
        Run sub = run("ir", "verify");
        assertEquals(2, sub.code());
        assertEquals("javelin: Missing required parameter: 'FILE' (see 'javelin ir verify --help')\n", sub.err());
    }

    @Test
    void missingFileIsOneLine() {
        Run r = run("ir", "print", "no/such.ir");
        assertEquals(1, r.code());
        assertEquals("javelin: no such file: no/such.ir\n", r.err());
    }

    @Test
    void malformedFileNamesLineAndColumnWithoutStackTrace() throws IOException {
        Path bad = tmp.resolve("bad.ir");
        Files.writeString(bad, "graph g {\n  %x = input f32[2]\n}\n");
        Run r = run("ir", "verify", bad.toString());
        assertEquals(1, r.code());
        assertTrue(
                r.err().startsWith("javelin: " + bad + ":2:14: expected ':' before the type of %x, found 'f32'"),
                r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        Run debug = run("--debug", "ir", "verify", bad.toString());
        assertTrue(debug.err().contains("\tat dev.javelin.ir.text.Parser"), debug.err());
    }

    @Test
    void verifyReportsCycles() throws IOException {
        Path cyc = tmp.resolve("cycle.ir");
        Files.writeString(cyc, """
                graph g {
                  %a = neg(%b) : f32[2]
                  %b = neg(%a) : f32[2]
                  output y = %b
                }
                """);
        Run r = run("ir", "verify", cyc.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cycle: %a -> %b -> %a"), r.err());
    }

    @Test
    void printVerifyParsePrintIsAFixedPointForEveryExample() throws IOException {
        try (var files = Files.list(EXAMPLES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".ir")).toList()) {
                Run printed = run("ir", "print", f.toString());
                assertEquals(0, printed.code(), printed.err());
                Path canonical = tmp.resolve(f.getFileName());
                Files.writeString(canonical, printed.out());
                Run verified = run("ir", "verify", canonical.toString());
                assertEquals(0, verified.code(), verified.err());
                assertEquals(
                        printed.out(), run("ir", "print", canonical.toString()).out(), f.toString());
            }
        }
    }

    @Test
    void runWritesOneNpyPerOutputAndUpdatedParameters() throws IOException {
        Path x = tmp.resolve("x.npy");
        Path y = tmp.resolve("y.npy");
        Path w = tmp.resolve("w.npy");
        double[] xs = new double[16];
        double[] ys = new double[8];
        for (int i = 0; i < 8; i++) {
            xs[2 * i] = i;
            xs[2 * i + 1] = 1;
            ys[i] = 3 * i + 1;
        }
        Npy.write(x, NdArray.of(DType.F32, new long[] {8, 2}, xs));
        Npy.write(y, NdArray.of(DType.F32, new long[] {8, 1}, ys));
        Npy.write(w, NdArray.of(DType.F32, new long[] {2, 1}, 0, 0));
        Path out = tmp.resolve("out");
        Run r = run(
                "ir",
                "run",
                EXAMPLES.resolve("sgd_step.ir").toString(),
                "--input",
                "x=" + x,
                "--input",
                "y=" + y,
                "-i",
                "w=" + w,
                "--out",
                out.toString());
        assertEquals(0, r.code(), r.err());
        Run simd = run(
                "ir",
                "run",
                EXAMPLES.resolve("sgd_step.ir").toString(),
                "-i",
                "x=" + x,
                "-i",
                "y=" + y,
                "-i",
                "w=" + w,
                "--backend",
                "simd",
                "--out",
                tmp.resolve("simd").toString());
        assertEquals(0, simd.code(), simd.err());
        for (String file : new String[] {"loss.npy", "w.updated.npy"}) {
            NdArray want = Npy.read(out.resolve(file));
            NdArray got = Npy.read(tmp.resolve("simd").resolve(file));
            for (int i = 0; i < want.size(); i++) {
                assertEquals(want.get(i), got.get(i), 1e-5 * Math.abs(want.get(i)), file + "[" + i + "] on simd");
            }
        }
        NdArray loss = Npy.read(out.resolve("loss.npy"));
        double expected = 0;
        for (double v : ys) {
            expected += v * v / 8;
        }
        assertEquals(expected, loss.get(0), expected * 1e-6);
        NdArray wNew = Npy.read(out.resolve("w.updated.npy"));
        assertEquals(2, wNew.size());
        assertTrue(wNew.get(0) > 0 && wNew.get(1) > 0, wNew.toString());
    }

    @Test
    void runOnTheCpuBackendMatchesTheInterpreter() throws IOException {
        Path x = tmp.resolve("x.npy");
        Path w = tmp.resolve("w.npy");
        Path b = tmp.resolve("b.npy");
        double[] xs = new double[5 * 4];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = Math.sin(i) * 3;
        }
        double[] ws = new double[12];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = Math.cos(i);
        }
        Npy.write(x, NdArray.of(DType.F32, new long[] {5, 4}, xs));
        Npy.write(w, NdArray.of(DType.F32, new long[] {4, 3}, ws));
        Npy.write(b, NdArray.of(DType.F32, new long[] {3}, 0.5, -0.25, 0));
        String classifier = EXAMPLES.resolve("classifier.ir").toString();
        for (String backend : new String[] {"interpreter", "simd"}) {
            Run r = run(
                    "ir",
                    "run",
                    classifier,
                    "-i",
                    "x=" + x,
                    "-i",
                    "w=" + w,
                    "-i",
                    "b=" + b,
                    "--backend",
                    backend,
                    "--out",
                    tmp.resolve(backend).toString());
            assertEquals(0, r.code(), r.err());
        }
        NdArray want = Npy.read(tmp.resolve("interpreter").resolve("probs.npy"));
        NdArray got = Npy.read(tmp.resolve("simd").resolve("probs.npy"));
        assertEquals(want.type(), got.type());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i), got.get(i), 1e-6, "probs[" + i + "]");
        }

        Run r = run(
                "ir",
                "run",
                classifier,
                "-i",
                "x=" + x,
                "-i",
                "w=" + w,
                "--backend",
                "simd",
                "--out",
                tmp.resolve("missing").toString());
        assertEquals(1, r.code());
        assertEquals("javelin: no feed for parameter %b : f32[3] (fed: [w, x])\n", r.err());
        r = run(
                "ir",
                "run",
                classifier,
                "-i",
                "x=" + x,
                "-i",
                "w=" + w,
                "-i",
                "b=" + b,
                "-i",
                "bias=" + b,
                "--backend",
                "simd",
                "--out",
                tmp.resolve("extra").toString());
        assertEquals(1, r.code());
        assertEquals(
                "javelin: feed 'bias' names no input or parameter of graph classifier (expected [%x, %w, %b])\n",
                r.err());
        r = run(
                "ir",
                "run",
                classifier,
                "--backend",
                "tpu",
                "--out",
                tmp.resolve("tpu").toString());
        assertEquals("javelin: unknown --backend 'tpu' (expected interpreter, simd or cuda)\n", r.err());
        // Only run takes a backend: verify checks the graph and runs nothing.
        r = run("ir", "verify", classifier, "--backend", "simd");
        assertEquals(2, r.code());
        assertEquals("javelin: Unknown options: '--backend', 'simd' (see 'javelin ir verify --help')\n", r.err());
    }

    @Test
    void runRejectsBadFeedsClearlyAndWritesNothing() throws IOException {
        Path out = tmp.resolve("out");
        Run r = run("ir", "run", EXAMPLES.resolve("classifier.ir").toString(), "--input", "x", "--out", out.toString());
        assertEquals(1, r.code());
        assertEquals("javelin: --input expects NAME=PATH.npy, found 'x'\n", r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void demoRefusesNegativeEpochs() {
        Run r = run("demo", "--epochs", "-1");
        assertEquals(1, r.code());
        assertEquals("javelin: --epochs must be >= 0, found -1\n", r.err());
    }

    @Test
    void demoRunsAndItsProbabilitiesSumToOne() {
        Run r = run("demo", "--batch", "3", "--epochs", "0");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("graph demo_classifier {"), r.out());
        assertEquals(
                3,
                r.out()
                        .lines()
                        .filter(l -> l.startsWith("row ") && l.endsWith("(sum 1.000000)"))
                        .count(),
                r.out());
    }
}
