package dev.javelin.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.value.NdArray;
import dev.javelin.models.aot.MnistMlpAotModel;
import dev.javelin.runtime.ProgramLayout;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mnist-mlp compiled ahead of time by this module's build (the {@code @Model} processor ran inside
 * javac on {@code MnistMlpAot}): the generated facade matches the float64 interpreter on the JIT
 * model's own weights, and the deployable jar (facade, kernels, main) runs in a separate JVM whose
 * class path is the runtime jar and that jar only, loading a checkpoint folder.
 */
class AotModelTest {
    @TempDir
    Path dir;

    /** The JIT model's weights (seed 3) and one synthetic image. */
    private static Map<String, NdArray> feeds() {
        MnistMlp model = new MnistMlp();
        try (Trainer t = new Trainer(model, Optimizer.sgd(), 3, null, Backend.INTERPRETER)) {
            Map<String, NdArray> feeds = new HashMap<>(t.state());
            feeds.putAll(model.syntheticBatch(1, 17));
            return feeds;
        }
    }

    private static float[] floats(NdArray a) {
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) a.get(i);
        }
        return f;
    }

    private static NdArray interpreterLogits(Map<String, NdArray> feeds) {
        try (Trainer t = new Trainer(new MnistMlp(), Optimizer.sgd(), 3, null, Backend.INTERPRETER)) {
            Interpreter.Result r = Interpreter.run(t.evalGraph(), feeds);
            // The evaluation graph's outputs are the logits and the loss; the logits are the 10 values.
            return r.outputs().values().stream()
                    .filter(v -> v.size() == 10)
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static void assertClose(NdArray want, float[] got) {
        assertEquals(want.size(), got.length);
        for (int i = 0; i < got.length; i++) {
            assertEquals(want.get(i), got[i], 1e-4 * (1 + Math.abs(want.get(i))), "logit " + i);
        }
    }

    @Test
    void theGeneratedFacadeMatchesTheInterpreterOnTheJitModelsWeights() {
        Map<String, NdArray> feeds = feeds();
        try (MnistMlpAotModel model = new MnistMlpAotModel()) {
            for (ProgramLayout.Bind b : MnistMlpAotModel.layout().bindings("parameter")) {
                model.setParameter(b.name(), floats(feeds.get(b.name())));
            }
            assertClose(interpreterLogits(feeds), model.forward(floats(feeds.get("image"))));
        }
    }

    @Test
    void aNewFacadeStartsFromTheWeightsTheJitTrainerStartsFromWithTheSameSeed() {
        try (MnistMlpAotModel model = new MnistMlpAotModel();
                Trainer t = new Trainer(new MnistMlp(), Optimizer.sgd(), 0, null, Backend.INTERPRETER)) {
            for (ProgramLayout.Bind b : MnistMlpAotModel.layout().bindings("parameter")) {
                assertTrue(Arrays.equals(floats(t.state().get(b.name())), model.parameter(b.name())), b.name());
            }
        }
    }

    @Test
    void theDeployableJarRunsWithTheRuntimeAloneAndLoadsACheckpoint() throws Exception {
        Map<String, NdArray> feeds = feeds();
        Path checkpoint = Files.createDirectories(dir.resolve("checkpoint"));
        for (ProgramLayout.Bind b : MnistMlpAotModel.layout().bindings("parameter")) {
            Npy.write(checkpoint.resolve(b.name() + ".npy"), feeds.get(b.name()));
        }
        Path image = dir.resolve("image.f32");
        float[] x = floats(feeds.get("image"));
        ByteBuffer bytes = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(x);
        Files.write(image, bytes.array());
        Path jar = deployableJar();
        Path runtimeJar = runtimeJar();
        String classPath = runtimeJar + java.io.File.pathSeparator + jar;
        assertFalse(
                classPath.contains("compiler") || classPath.contains("javelin-ir") || classPath.contains("dsl"),
                classPath);
        Path out = dir.resolve("logits.f32");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(
                        java,
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-cp",
                        classPath,
                        "dev.javelin.models.aot.MnistMlpAotMain",
                        checkpoint.toString(),
                        image.toString(),
                        Long.toString(label(feeds)),
                        out.toString())
                .redirectErrorStream(true)
                .start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the deployable jar did not finish: " + log);
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("digit "), log);
        float[] got = new float[11];
        ByteBuffer.wrap(Files.readAllBytes(out))
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(got);
        assertClose(interpreterLogits(feeds), Arrays.copyOf(got, 10));
        double loss = interpreterStep(feeds, 0.01);
        assertEquals(loss, got[10], 1e-4 * (1 + Math.abs(loss)), "loss of the training step");
    }

    @Test
    void trainingStepsMatchTheInterpreterTrainer() {
        Map<String, NdArray> feeds = feeds();
        MnistMlp jit = new MnistMlp();
        try (MnistMlpAotModel model = new MnistMlpAotModel();
                Trainer want = new Trainer(jit, Optimizer.sgd(), 3, null, Backend.INTERPRETER)) {
            for (ProgramLayout.Bind b : MnistMlpAotModel.layout().bindings("parameter")) {
                model.setParameter(b.name(), floats(feeds.get(b.name())));
            }
            for (int step = 0; step < 3; step++) {
                Map<String, NdArray> batch = jit.syntheticBatch(1, 40 + step);
                double w = want.step(batch, 0.05);
                float g = model.trainStep(
                        floats(batch.get("image")), batch.get("label").toLongs(), 0.05f);
                assertEquals(w, g, 1e-4 * (1 + Math.abs(w)), "loss of step " + step);
            }
            for (ProgramLayout.Bind b : MnistMlpAotModel.layout().bindings("parameter")) {
                NdArray w = want.state().get(b.name());
                float[] g = model.parameter(b.name());
                for (int i = 0; i < g.length; i++) {
                    assertEquals(w.get(i), g[i], 1e-4 * (1 + Math.abs(w.get(i))), b.name() + "[" + i + "]");
                }
            }
            // forward() sees the trained parameters.
            Map<String, NdArray> now = new HashMap<>(want.state());
            now.putAll(jit.syntheticBatch(1, 17));
            assertClose(interpreterLogits(now), model.forward(floats(now.get("image"))));
        }
    }

    private static long label(Map<String, NdArray> feeds) {
        return feeds.get("label").getLong(0);
    }

    /** The loss of one SGD step of the interpreter trainer from these weights on this example. */
    private static double interpreterStep(Map<String, NdArray> feeds, double lr) {
        MnistMlp jit = new MnistMlp();
        Map<String, NdArray> init = new HashMap<>();
        for (ProgramLayout.Bind b : MnistMlpAotModel.layout().bindings("parameter")) {
            init.put(b.name(), feeds.get(b.name()));
        }
        try (Trainer t = new Trainer(jit, Optimizer.sgd(), 3, init, Backend.INTERPRETER)) {
            return t.step(Map.of("image", feeds.get("image"), "label", feeds.get("label")), lr);
        }
    }

    /** The generated facade and kernels and the main class (not the DSL source class), as one jar. */
    private Path deployableJar() throws IOException {
        Path classes = Path.of("target", "classes");
        Path aot = classes.resolve("dev/javelin/models/aot");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(aot)) {
            s.filter(f -> {
                        String n = f.getFileName().toString();
                        // The facade, kernels and main, and the resources named after the model (its
                        // initial parameters, plan, CUDA source), as the pom's deployable jar packs them.
                        return (n.startsWith("MnistMlpAot") && !n.equals("MnistMlpAot.class"))
                                || n.startsWith("mnist_mlp_aot.");
                    })
                    .forEach(files::add);
        }
        assertTrue(files.size() >= 3, "generated classes in " + aot + ": " + files);
        Path jar = dir.resolve("mnist-mlp-deployable.jar");
        try (OutputStream o = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(o)) {
            for (Path f : files) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                j.write(Files.readAllBytes(f));
                j.closeEntry();
            }
        }
        return jar;
    }

    /** The runtime module's jar, built before this module in the reactor. */
    private static Path runtimeJar() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("..", "runtime", "target"))) {
            return s.filter(f -> {
                        String n = f.getFileName().toString();
                        return n.startsWith("javelin-runtime-") && n.endsWith(".jar") && !n.contains("tests");
                    })
                    .findFirst()
                    .orElseThrow(() -> new IOException("no runtime jar in ../runtime/target (build with mvn verify)"));
        }
    }
}
