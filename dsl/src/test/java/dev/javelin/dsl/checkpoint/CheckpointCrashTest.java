package dev.javelin.dsl.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replacing a checkpoint is crash-safe at every instant: a process is killed (halted, no cleanup) at
 * each step of a save in turn, and afterwards the path holds either the complete old checkpoint or
 * the complete new one; the next save cleans what the dead one left.
 */
class CheckpointCrashTest {
    @ParameterizedTest
    @ValueSource(strings = {"ckpt", "ckpt.safetensors"})
    void aKillAtAnyStepLeavesTheOldOrTheNewCheckpoint(String name, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path path = dir.resolve(name);
        assertEquals(0, save(path, 0, 1.0).exit(), "the first, complete save");
        int steps = Integer.parseInt(
                save(dir.resolve("count-" + name), 0, 2.0).out().strip());
        assertTrue(steps >= 2, "a save has several steps, found " + steps);
        List<String> outcomes = new ArrayList<>();
        for (int k = 1; k <= steps; k++) {
            assertEquals(86, save(path, k, 2.0).exit(), "the save dies at step " + k);
            Checkpoint.Contents c = Checkpoint.read(path);
            String run = c.metadata().get("run");
            assertEquals(CrashingSave.state(Double.parseDouble(run)), c.tensors(), "killed at step " + k);
            outcomes.add(run);
            // put the old checkpoint back for the next kill; this save also removes the dead one's leftovers
            assertEquals(0, save(path, 0, 1.0).exit());
            assertEquals(List.of(name), visible(dir, name), "killed at step " + k + ": leftovers removed");
        }
        assertEquals("1.0", outcomes.get(0), "a kill at the first step keeps the old checkpoint");
        assertEquals("2.0", outcomes.get(steps - 1), "a kill after the commit has the new one");
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                List<String> entries =
                        s.map(p -> p.getFileName().toString()).sorted().toList();
                assertEquals(3, entries.size(), "one tensors folder, no leftover: " + entries);
                assertEquals(List.of(".lock", "javelin-checkpoint.json"), entries.subList(0, 2));
            }
        }
    }

    /** The entries of {@code dir} that belong to {@code name}'s saves, the count-run's aside. */
    private static List<String> visible(Path dir, String name) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.startsWith("count-") && !n.startsWith(".count-"))
                    .sorted()
                    .toList();
        }
    }

    record Result(int exit, String out) {}

    private static Result save(Path path, int k, double value) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashingSave.class.getName(),
                        path.toString(),
                        Integer.toString(k),
                        Double.toString(value))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the save process ends");
        int exit = p.exitValue();
        if (exit != 0 && exit != 86) {
            throw new AssertionError("the save process failed (" + exit + "):\n" + out);
        }
        return new Result(exit, out);
    }
}
