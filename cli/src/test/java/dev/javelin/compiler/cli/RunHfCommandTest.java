package dev.javelin.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.compiler.testing.Cli;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code javelin run --hf DIR --input input_ids=FILE.npy --output-dir OUT} on the GPT-2 folder of
 * {@link GenerateCommandTest}: OUT/logits.npy on the interpreter and on the CPU backend agree.
 */
class RunHfCommandTest {
    @Test
    void logitsOnTheInterpreterAndTheCpuAgree(@TempDir Path dir) throws IOException {
        Path model = GenerateCommandTest.folder(Files.createDirectory(dir.resolve("model")));
        Path ids = dir.resolve("ids.npy");
        Npy.write(ids, NdArray.ofLongs(DType.I64, new long[] {2, 5}, 1, 2, 3, 4, 5, 9, 8, 7, 6, 5));
        NdArray[] logits = new NdArray[2];
        String[] backends = {"interpreter", "simd"};
        for (int b = 0; b < 2; b++) {
            Path out = dir.resolve(backends[b]);
            Cli.Run r = Cli.run(
                    "run",
                    "--hf",
                    model.toString(),
                    "--input",
                    "input_ids=" + ids,
                    "--output-dir",
                    out.toString(),
                    "--backend",
                    backends[b]);
            assertEquals(0, r.code(), r.err());
            assertEquals("logits: f32[2,5,95] -> " + out.resolve("logits.npy") + "\n", r.out());
            logits[b] = Npy.read(out.resolve("logits.npy"));
        }
        assertArrayEquals(new long[] {2, 5, 95}, logits[1].shape());
        for (int i = 0; i < logits[0].size(); i++) {
            assertEquals(logits[0].get(i), logits[1].get(i), 1e-4 * (1 + Math.abs(logits[0].get(i))), "logit " + i);
        }
    }

    @Test
    void wrongInputsAreOneLineErrors(@TempDir Path dir) throws IOException {
        Path model = GenerateCommandTest.folder(Files.createDirectory(dir.resolve("model")));
        Path floats = dir.resolve("floats.npy");
        Npy.write(floats, NdArray.of(DType.F32, new long[] {1, 2}, 1, 2));
        Path out = dir.resolve("out");
        assertEquals(
                "javelin: input_ids must be integer ids [batch, seq], found f32[1,2]\n",
                Cli.run(
                                "run",
                                "--hf",
                                model.toString(),
                                "--input",
                                "input_ids=" + floats,
                                "--output-dir",
                                out.toString())
                        .err());
        assertEquals(
                "javelin: --hf takes one input, --input input_ids=FILE.npy, found [tokens]\n",
                Cli.run("run", "--hf", model.toString(), "--input", "tokens=" + floats, "--output-dir", out.toString())
                        .err());
        Path tooLong = dir.resolve("long.npy");
        Npy.write(tooLong, NdArray.ofLongs(DType.I64, new long[] {1, 33}, new long[33]));
        assertEquals(
                "javelin: input_ids has 33 positions; the model takes 1 to 32\n",
                Cli.run(
                                "run",
                                "--hf",
                                model.toString(),
                                "--input",
                                "input_ids=" + tooLong,
                                "--output-dir",
                                out.toString())
                        .err());
        assertTrue(Cli.run("run", "--output-dir", out.toString())
                .err()
                .equals("javelin: give one of MODEL.onnx or --hf DIR\n"));
    }
}
