package dev.javelin.codegen.cuda.toolchain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleCacheTest {
    private static final String SOURCE = "extern \"C\" __global__ void k(char* m) { m[0] = 1; }\n";

    @TempDir
    Path dir;

    private final List<String> log = new ArrayList<>();
    private final FakeCompiler compiler = new FakeCompiler("fake (test)", "1.0");

    private CompiledModule get(ModuleCache cache, String arch, List<String> options) {
        return cache.getOrCompile(compiler, SOURCE, "k.cu", arch, options, log::add);
    }

    private Path onlyEntry() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            assertEquals(1, all.size(), all::toString);
            assertTrue(all.getFirst().getFileName().toString().matches("[0-9a-f]{64}\\.module"), all::toString);
            return all.getFirst();
        }
    }

    @Test
    void aSecondRequestLoadsFromTheCache() throws IOException {
        ModuleCache cache = ModuleCache.at(dir);
        CompiledModule first = get(cache, "sm_90", List.of());
        CompiledModule second = get(cache, "sm_90", List.of());
        assertEquals(first, second);
        assertEquals(1, compiler.compiles.get());
        Path entry = onlyEntry();
        assertEquals(
                List.of(
                        "CUDA module k.cu (sm_90) compiled with fake (test) 1.0 in 7 ms",
                        "CUDA module k.cu (sm_90) loaded from the CUDA module cache (compile skipped): " + entry),
                log);
    }

    @Test
    void everyPartOfTheKeyMatters() {
        ModuleCache cache = ModuleCache.at(dir);
        get(cache, "sm_90", List.of());
        get(cache, "sm_80", List.of());
        get(cache, "sm_90", List.of("-lineinfo"));
        cache.getOrCompile(compiler, SOURCE + " ", "k.cu", "sm_90", List.of(), log::add);
        cache.getOrCompile(new FakeCompiler("fake (test)", "1.1"), SOURCE, "k.cu", "sm_90", List.of(), log::add);
        assertEquals(4, compiler.compiles.get());
        assertEquals(
                5, log.stream().filter(line -> line.contains(" compiled with ")).count(), log::toString);
        // The file name only labels errors; the same source under another name is the same module.
        cache.getOrCompile(compiler, SOURCE, "other.cu", "sm_90", List.of(), log::add);
        assertEquals(4, compiler.compiles.get());
    }

    @Test
    void optionsAreLengthPrefixedInTheKey() {
        String ab = ModuleCache.key(compiler, SOURCE, "sm_90", List.of("-Da", "-Db"));
        String joined = ModuleCache.key(compiler, SOURCE, "sm_90", List.of("-Da-Db"));
        assertNotEquals(ab, joined);
        assertEquals(ab, ModuleCache.key(compiler, SOURCE, "sm_90", List.of("-Da", "-Db")));
    }

    @Test
    void aCorruptEntryIsReportedDeletedAndRebuilt() throws IOException {
        ModuleCache cache = ModuleCache.at(dir);
        CompiledModule original = get(cache, "sm_90", List.of());
        Path entry = onlyEntry();
        byte[] bytes = Files.readAllBytes(entry);
        bytes[bytes.length - 3] ^= 0x55;
        Files.write(entry, bytes);
        log.clear();

        CompiledModule rebuilt = get(cache, "sm_90", List.of());
        assertEquals(original, rebuilt);
        assertEquals(2, compiler.compiles.get());
        assertEquals(2, log.size(), log::toString);
        assertEquals(
                "CUDA module cache entry " + entry
                        + " is corrupt (the payload's SHA-256 does not match the header's); deleted it, recompiling",
                log.get(0));
        assertTrue(log.get(1).contains(" compiled with "), log.get(1));
        assertArrayEquals(Files.readAllBytes(entry), ModuleCacheEntry.encode(original, entryKey(entry)));
        get(cache, "sm_90", List.of());
        assertEquals(2, compiler.compiles.get(), "the rebuilt entry is loaded again");
    }

    @Test
    void aTruncatedEntryIsReportedDeletedAndRebuilt() throws IOException {
        ModuleCache cache = ModuleCache.at(dir);
        get(cache, "sm_90", List.of());
        Path entry = onlyEntry();
        byte[] bytes = Files.readAllBytes(entry);
        for (int length : new int[] {0, 20, bytes.length - 1}) {
            Files.write(entry, Arrays.copyOf(bytes, length));
            log.clear();
            get(cache, "sm_90", List.of());
            assertTrue(
                    log.getFirst().startsWith("CUDA module cache entry " + entry + " is corrupt (truncated: "),
                    log::toString);
            assertArrayEquals(bytes, Files.readAllBytes(entry), "the entry is written again, whole");
        }
        assertEquals(4, compiler.compiles.get());
    }

    @Test
    void anEntryUnderAnotherKeyIsNotLoaded() throws IOException {
        ModuleCache cache = ModuleCache.at(dir);
        get(cache, "sm_80", List.of());
        Path sm80 = onlyEntry();
        Path sm90 = dir.resolve(ModuleCache.key(compiler, SOURCE, "sm_90", List.of()) + ".module");
        Files.copy(sm80, sm90);
        log.clear();
        CompiledModule module = get(cache, "sm_90", List.of());
        assertEquals("sm_90", module.arch());
        assertTrue(log.getFirst().contains("is corrupt (it holds the module of key "), log::toString);
    }

    @Test
    void aFailedCompileCachesNothing() throws IOException {
        ModuleCache cache = ModuleCache.at(dir);
        assertThrows(
                CudaCompileException.class,
                () -> cache.getOrCompile(compiler, "#error no", "bad.cu", "sm_90", List.of(), log::add));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList());
        }
    }

    @Test
    void offCompilesEveryTimeAndWritesNothing() throws IOException {
        ModuleCache cache = ModuleCache.fromSetting(" OFF ");
        assertTrue(cache.directory().isEmpty());
        get(cache, "sm_90", List.of());
        get(cache, "sm_90", List.of());
        assertEquals(2, compiler.compiles.get());
        assertEquals("CUDA module k.cu (sm_90) compiled with fake (test) 1.0 in 7 ms (module cache off)", log.get(1));
        try (Stream<Path> files = Files.list(dir)) {
            assertFalse(files.findAny().isPresent());
        }
    }

    @Test
    void settingsMapToFolders() {
        assertEquals(
                ModuleCache.defaultDirectory(),
                ModuleCache.fromSetting("").directory().orElseThrow());
        assertEquals(
                ModuleCache.defaultDirectory(),
                ModuleCache.fromSetting(null).directory().orElseThrow());
        assertTrue(ModuleCache.defaultDirectory().endsWith(Path.of(".cache", "javelin", "cuda")));
        assertEquals(dir, ModuleCache.fromSetting(dir.toString()).directory().orElseThrow());
    }

    @Test
    void aCacheThatCannotBeWrittenStillReturnsTheModule() throws IOException {
        Path blocked = dir.resolve("a-file");
        Files.writeString(blocked, "not a folder");
        CompiledModule module = get(ModuleCache.at(blocked), "sm_90", List.of());
        assertEquals("sm_90", module.arch());
        assertTrue(log.getLast().startsWith("could not store " + blocked.resolve("")), log::toString);
    }

    /** With the real NVRTC: a cubin survives the round trip through the cache byte for byte. */
    @Test
    void aRealCubinRoundTrips() {
        NvrtcCompiler nvrtc = CudaTestKernels.foreignNvrtcOrSkip();
        ModuleCache cache = ModuleCache.at(dir);
        CompiledModule compiled =
                cache.getOrCompile(nvrtc, CudaTestKernels.SUM, "sum.cu", "sm_90", List.of(), log::add);
        CompiledModule loaded = cache.getOrCompile(nvrtc, CudaTestKernels.SUM, "sum.cu", "sm_90", List.of(), log::add);
        assertEquals(compiled, loaded);
        CudaTestKernels.assertCubin(loaded);
        assertTrue(log.getLast().contains("loaded from the CUDA module cache (compile skipped)"), log::toString);
    }

    private static String entryKey(Path entry) {
        String name = entry.getFileName().toString();
        return name.substring(0, name.length() - ".module".length());
    }
}
