package dev.javelin.compiler.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.ir.plan.Plan;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import dev.javelin.runtime.cpu.CpuExecutor;
import dev.javelin.runtime.cpu.CpuPool;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU backend's class cache: a second compile of the same plan skips javac; an entry with a
 * flipped byte or cut short is reported as corrupt, rebuilt and never loaded.
 */
class ClassCacheTest {
    @TempDir
    Path dir;

    private static Plan plan() {
        return Pipeline.compile(dev.javelin.compiler.KernelKinds.softmax(3, 5), Map.of(), PassOptions.verifying())
                .plan();
    }

    private static float[] run(CpuBackend.Compiled c) {
        try (CpuPool pool = new CpuPool(1)) {
            CpuExecutor ex = c.executor(pool);
            float[] x = new float[15];
            for (int i = 0; i < x.length; i++) {
                x[i] = i * 0.25f - 1;
            }
            ex.set("input", "x", x);
            ex.run();
            return ex.get("output", "p");
        }
    }

    private Path entry() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> entries =
                    files.filter(p -> p.toString().endsWith(".classes")).toList();
            assertEquals(1, entries.size(), entries.toString());
            return entries.getFirst();
        }
    }

    @Test
    void aSecondCompileSkipsJavac() {
        List<String> log = new ArrayList<>();
        CpuBackend.Compiled first = CpuBackend.compile(plan(), dir, log::add);
        CpuBackend.Compiled second = CpuBackend.compile(plan(), dir, log::add);
        assertFalse(first.fromCache());
        assertTrue(second.fromCache());
        assertTrue(log.get(0).contains("compiled with javac"), log.toString());
        assertTrue(log.get(1).contains("loaded from the class cache (javac skipped)"), log.toString());
        assertArrayEquals(run(first), run(second));
    }

    @Test
    void aCorruptEntryIsRebuiltNotLoaded() throws IOException {
        float[] want = run(CpuBackend.compile(plan(), dir, s -> {}));
        Path f = entry();
        byte[] bytes = Files.readAllBytes(f);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(f, bytes);
        List<String> log = new ArrayList<>();
        CpuBackend.Compiled rebuilt = CpuBackend.compile(plan(), dir, log::add);
        assertFalse(rebuilt.fromCache());
        assertTrue(log.getFirst().contains("is corrupt (checksum mismatch); rebuilding it"), log.toString());
        assertArrayEquals(want, run(rebuilt));
        assertTrue(CpuBackend.compile(plan(), dir, s -> {}).fromCache(), "the rebuilt entry is used next time");

        Files.write(f, java.util.Arrays.copyOf(bytes, 10));
        log.clear();
        CpuBackend.Compiled again = CpuBackend.compile(plan(), dir, log::add);
        assertFalse(again.fromCache());
        assertTrue(log.getFirst().contains("is corrupt (truncated (10 bytes)); rebuilding it"), log.toString());
        assertArrayEquals(want, run(again));
    }
}
