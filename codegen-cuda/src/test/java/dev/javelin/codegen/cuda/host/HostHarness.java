package dev.javelin.codegen.cuda.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Generated CUDA C compiled for the CPU: g++ builds the {@code .cu} against the shim
 * ({@code javelin_host.h}), which runs every block's threads as OS threads with real barriers, so
 * tests without a GPU run generated kernels and compare them with the reference interpreter. See
 * docs/cuda-host-harness.md. Programs are cached under {@code target/cuda-host/} (or the folder in
 * the system property {@code javelin.cuda.host.cache}), keyed by the SHA-256 of source and shim.
 */
public final class HostHarness {
    static final String SHIM = "javelin_host.h";
    static final String SHIM_RUN = "javelin_host_run.h";
    private static final Duration COMPILE_TIMEOUT = Duration.ofMinutes(3);
    private static final List<String> FLAGS =
            List.of("-std=c++20", "-O1", "-pthread", "-DJAVELIN_HOST", "-Wno-unknown-pragmas");

    // `extern __shared__ [__align__(n)] T name[];` has no C++ spelling that works inside a function
    // (a block-scope extern needs a definition elsewhere), so it becomes the shim's macro.
    private static final Pattern DYNAMIC_SHARED = Pattern.compile(
            "extern\\s+__shared__\\s+(?:__align__\\s*\\(\\s*\\d+\\s*\\)\\s+)?([A-Za-z_][\\w\\s]*?)\\s+([A-Za-z_]\\w*)\\s*\\[\\s*\\]\\s*;");
    private static final Map<String, HostHarness> COMPILED = new ConcurrentHashMap<>();
    private static volatile String unavailable;
    private static volatile boolean probed;

    private final Path executable;

    private HostHarness(Path executable) {
        this.executable = executable;
    }

    /** Whether g++ is here to build host programs; when not, {@link #unavailableReason()} says why. */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** Null when g++ works, else one line for a skipped test. */
    public static String unavailableReason() {
        if (!probed) {
            unavailable = probe();
            probed = true;
        }
        return unavailable;
    }

    private static String probe() {
        String os = System.getProperty("os.name");
        if (!os.startsWith("Linux")) {
            // The shim's barriers sleep on Linux futexes.
            return "the CUDA host harness runs on Linux only, not " + os;
        }
        try {
            HostProcess gcc = HostProcess.run(List.of("g++", "--version"), Map.of(), Duration.ofSeconds(30));
            return gcc.exitCode() == 0 ? null : "g++ --version " + gcc.ending();
        } catch (RuntimeException e) {
            return "no g++ on PATH to build the CUDA host harness (" + e.getMessage() + ")";
        }
    }

    /** Compiles (or finds in the cache) the program for {@code cuSource}; g++'s errors become the exception's message. */
    public static HostHarness compile(String cuSource) {
        String source = hostSource(cuSource);
        String shim = resource(SHIM);
        String shimRun = resource(SHIM_RUN);
        String key = sha256(String.join("\u0000", source, shim, shimRun, String.join(" ", FLAGS)));
        return COMPILED.computeIfAbsent(key, k -> build(k, source, shim, shimRun));
    }

    /** A runner over a fresh zeroed memory block of {@code bytes} bytes, with the default time limits. */
    public HostRunner runner(long bytes) {
        return new HostRunner(this, bytes, HostRunner.Limits.DEFAULT);
    }

    public HostRunner runner(long bytes, HostRunner.Limits limits) {
        return new HostRunner(this, bytes, limits);
    }

    /** The compiled program ({@code program MEMFILE LAUNCHFILE}). */
    public Path executable() {
        return executable;
    }

    /** The source g++ sees: the generated CUDA C with dynamic shared declarations rewritten for the shim. */
    static String hostSource(String cuSource) {
        Matcher matcher = DYNAMIC_SHARED.matcher(cuSource);
        String rewritten =
                matcher.replaceAll(r -> "JAVELIN_DYNAMIC_SHARED(" + r.group(1).strip() + ", " + r.group(2) + ");");
        int left = rewritten.indexOf("extern __shared__");
        if (left >= 0) {
            int lineEnd = rewritten.indexOf('\n', left);
            throw new IllegalArgumentException("the host harness understands dynamic shared memory only as `extern "
                    + "__shared__ [__align__(n)] T name[];`, not: "
                    + rewritten.substring(left, lineEnd < 0 ? rewritten.length() : lineEnd));
        }
        return rewritten;
    }

    static Path cacheRoot() {
        return Path.of(System.getProperty("javelin.cuda.host.cache", "target/cuda-host"))
                .toAbsolutePath();
    }

    private static HostHarness build(String key, String source, String shim, String shimRun) {
        Path dir = cacheRoot().resolve(key.substring(0, 24));
        Path executable = dir.resolve("program");
        if (Files.isExecutable(executable)) {
            return new HostHarness(executable);
        }
        try {
            Files.createDirectories(dir);
            // Every file is written beside its final name and moved in, so a concurrent build of the
            // same program (another test JVM) never sees half a file.
            writeAtomically(dir.resolve(SHIM), shim);
            writeAtomically(dir.resolve(SHIM_RUN), shimRun);
            Path cu = dir.resolve("program.cu");
            writeAtomically(cu, source);
            Path partial = Files.createTempFile(dir, "program-", ".partial");
            List<String> command = new ArrayList<>(List.of("g++"));
            command.addAll(FLAGS);
            command.addAll(List.of(
                    "-include", dir.resolve(SHIM).toString(), "-x", "c++", cu.toString(), "-o", partial.toString()));
            // LC_ALL=C: plain quotes in the messages, whatever the machine's locale.
            HostProcess gcc = HostProcess.run(command, Map.of("LC_ALL", "C"), COMPILE_TIMEOUT);
            if (gcc.exitCode() != 0 || gcc.timedOut()) {
                Files.deleteIfExists(partial);
                throw new IllegalArgumentException("g++ " + gcc.ending() + " compiling " + cu + " for the CUDA host "
                        + "harness:\n" + gcc.output().strip());
            }
            moveInto(partial, executable);
            return new HostHarness(executable);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the CUDA host program in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path partial = Files.createTempFile(file.getParent(), file.getFileName() + "-", ".partial");
        Files.writeString(partial, text);
        moveInto(partial, file);
    }

    private static void moveInto(Path partial, Path file) throws IOException {
        try {
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String resource(String name) {
        try (InputStream in = HostHarness.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(
                        "resource " + name + " is missing beside " + HostHarness.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
