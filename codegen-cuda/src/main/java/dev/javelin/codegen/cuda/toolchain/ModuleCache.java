package dev.javelin.codegen.cuda.toolchain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Compiled CUDA modules on disk, so a program compiled once loads without compiling the next time.
 * The key is a SHA-256 of everything that decides the output: the source, the compiler's name and
 * version, the target and the options. Each entry carries a SHA-256 of its payload (see
 * {@link ModuleCacheEntry}); an entry that fails the check is reported, deleted and rebuilt, never
 * loaded. Entries are written to a temporary file and moved into place, so a reader never sees a
 * half-written one. The cache is the compiler module's flag {@code javelin.cuda.cache}: a folder
 * (default {@code ~/.cache/javelin/cuda}) or {@code off}.
 */
public final class ModuleCache {
    public static final String OFF = "off";

    private final Optional<Path> directory;

    private ModuleCache(Optional<Path> directory) {
        this.directory = directory;
    }

    public static ModuleCache at(Path directory) {
        return new ModuleCache(Optional.of(directory));
    }

    /** No cache: every request compiles. */
    public static ModuleCache off() {
        return new ModuleCache(Optional.empty());
    }

    /** From the flag's value: blank gives the default folder, {@code off} no cache, anything else a folder. */
    public static ModuleCache fromSetting(String setting) {
        if (setting == null || setting.isBlank()) {
            return at(defaultDirectory());
        }
        if (setting.strip().equalsIgnoreCase(OFF)) {
            return off();
        }
        return at(Path.of(setting.strip()));
    }

    public static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".cache", "javelin", "cuda");
    }

    /** The folder, or empty when the cache is off. */
    public Optional<Path> directory() {
        return directory;
    }

    /**
     * The cached module for this exact compile, or a fresh compile (then stored). {@code log} gets one
     * line saying which, and one more for an entry that was corrupt or could not be stored.
     *
     * @throws CudaCompileException when the source does not compile (nothing is cached then)
     */
    public CompiledModule getOrCompile(
            CudaCompiler compiler,
            String source,
            String fileName,
            String arch,
            List<String> options,
            Consumer<String> log) {
        String what = "CUDA module " + fileName + " (" + arch + ")";
        if (directory.isEmpty()) {
            CompiledModule module = compiler.compile(source, fileName, arch, options);
            log.accept(what + " compiled with " + module.compiler() + " in " + module.compileMillis()
                    + " ms (module cache off)");
            return module;
        }
        String key = key(compiler, source, arch, options);
        Path entry = directory.get().resolve(key + ModuleCacheEntry.SUFFIX);
        Optional<CompiledModule> cached = load(entry, key, log);
        if (cached.isPresent()) {
            log.accept(what + " loaded from the CUDA module cache (compile skipped): " + entry);
            return cached.get();
        }
        CompiledModule module = compiler.compile(source, fileName, arch, options);
        log.accept(what + " compiled with " + module.compiler() + " in " + module.compileMillis() + " ms");
        store(entry, key, module, log);
        return module;
    }

    /** Length-prefixed fields, so no two different requests hash the same bytes. */
    static String key(CudaCompiler compiler, String source, String arch, List<String> options) {
        MessageDigest digest = sha256();
        update(digest, "javelin-cuda-module-" + ModuleCacheEntry.FORMAT);
        update(digest, source);
        update(digest, compiler.name());
        update(digest, compiler.version());
        update(digest, arch);
        update(digest, String.valueOf(options.size()));
        options.forEach(option -> update(digest, option));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void update(MessageDigest digest, String field) {
        byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
        digest.update((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
        digest.update(bytes);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private static Optional<CompiledModule> load(Path entry, String key, Consumer<String> log) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(entry);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            log.accept("could not read the CUDA module cache entry " + entry + " (" + e + "); recompiling");
            return Optional.empty();
        }
        try {
            return Optional.of(ModuleCacheEntry.decode(bytes, key));
        } catch (ModuleCacheEntry.CorruptEntryException e) {
            log.accept("CUDA module cache entry " + entry + " is corrupt (" + e.getMessage()
                    + "); deleted it, recompiling");
            try {
                Files.deleteIfExists(entry);
            } catch (IOException deleteFailure) {
                log.accept("could not delete " + entry + ": " + deleteFailure + "; the new entry replaces it");
            }
            return Optional.empty();
        }
    }

    private static void store(Path entry, String key, CompiledModule module, Consumer<String> log) {
        Path temp = null;
        try {
            Files.createDirectories(entry.getParent());
            temp = Files.createTempFile(entry.getParent(), key, ".tmp");
            Files.write(temp, ModuleCacheEntry.encode(module, key));
            try {
                Files.move(temp, entry, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, entry, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // The cache only saves time: a module that cannot be stored is still returned.
            log.accept("could not store " + entry + " in the CUDA module cache: " + e);
            try {
                if (temp != null) {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException ignored) {
                // Nothing more to do; a stray .tmp file is never read as an entry.
            }
        }
    }

    @Override
    public String toString() {
        return directory.map(d -> "CUDA module cache in " + d).orElse("CUDA module cache off");
    }
}
