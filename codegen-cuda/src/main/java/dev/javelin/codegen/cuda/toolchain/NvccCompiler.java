package dev.javelin.codegen.cuda.toolchain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Compiles with the {@code nvcc} executable: the source goes into a fresh temporary folder,
 * {@code nvcc -cubin -arch=sm_NN} (or {@code -ptx -arch=compute_NN}) runs there, and the output is
 * read back; the folder is deleted afterwards, whatever happened.
 */
public final class NvccCompiler implements CudaCompiler {
    private static final Pattern VERSION = Pattern.compile("release (\\d+\\.\\d+), V(\\d+(?:\\.\\d+)+)");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final long TIMEOUT_MINUTES = 10;

    private final Path nvcc;
    private final String version;

    private NvccCompiler(Path nvcc, String version) {
        this.nvcc = nvcc;
        this.version = version;
    }

    /**
     * {@code nvcc} at the given path, else the first on {@code PATH}, else {@code /usr/local/cuda/bin/nvcc}.
     *
     * @throws CudaCompilerUnavailableException when there is none, or {@code nvcc --version} fails
     */
    public static NvccCompiler open(Optional<Path> given) {
        Path nvcc = given.or(NvccCompiler::onPath)
                .orElseThrow(() -> new CudaCompilerUnavailableException("no nvcc on PATH ("
                        + System.getenv().getOrDefault("PATH", "") + ") nor in /usr/local/cuda/bin"));
        if (!Files.isExecutable(nvcc)) {
            throw new CudaCompilerUnavailableException(nvcc + " is not an executable file");
        }
        Run run;
        try {
            run = run(
                    List.of(nvcc.toString(), "--version"), nvcc.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new CudaCompilerUnavailableException("could not run " + nvcc + " --version: " + e.getMessage(), e);
        }
        Matcher matcher = VERSION.matcher(run.output());
        if (run.exitCode() != 0 || !matcher.find()) {
            throw new CudaCompilerUnavailableException(
                    nvcc + " --version exited with " + run.exitCode() + " and printed no 'release N.N, VN.N.N' line:\n"
                            + run.output().strip());
        }
        return new NvccCompiler(nvcc, matcher.group(2));
    }

    private static Optional<Path> onPath() {
        List<Path> dirs = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isBlank()) {
                dirs.add(Path.of(dir));
            }
        }
        dirs.add(Path.of("/usr/local/cuda/bin"));
        return dirs.stream()
                .map(dir -> dir.resolve("nvcc"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    @Override
    public String name() {
        return "nvcc (" + nvcc + ")";
    }

    /** The full release, e.g. {@code 13.0.88}: nvcc's output may change between patch releases. */
    @Override
    public String version() {
        return version;
    }

    @Override
    public CompiledModule compile(String source, String fileName, String arch, List<String> options) {
        CompileRequest request = CompileRequest.of(source, fileName, arch, options);
        long start = System.nanoTime();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("javelin-nvcc-");
            String input = SAFE_NAME.matcher(fileName).matches() && fileName.endsWith(".cu") ? fileName : "kernel.cu";
            String output = request.arch().ptxOnly() ? "module.ptx" : "module.cubin";
            Files.writeString(dir.resolve(input), source, StandardCharsets.UTF_8);
            Run run = run(command(request, input, output), dir);
            // Errors name the file as nvcc was given it; under the caller's name they match the source.
            String log = input.equals(fileName) ? run.output() : run.output().replace(input, fileName);
            if (run.exitCode() != 0) {
                throw new CudaCompileException(describe(), request, "nvcc exited with " + run.exitCode(), log);
            }
            byte[] bytes = Files.readAllBytes(dir.resolve(output));
            byte[] image = request.arch().ptxOnly() ? CompiledModule.nulTerminated(bytes) : bytes;
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new CompiledModule(image, request.arch().kind(), arch, describe(), log, millis);
        } catch (IOException e) {
            throw new UncheckedIOException("nvcc compile of " + fileName + " for " + arch + " failed: " + e, e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private List<String> command(CompileRequest request, String input, String output) {
        List<String> command = new ArrayList<>();
        command.add(nvcc.toString());
        command.add(request.arch().ptxOnly() ? "-ptx" : "-cubin");
        command.add("-arch=" + request.arch().name());
        command.addAll(CompileRequest.STANDARD_OPTIONS);
        command.addAll(request.options());
        command.addAll(List.of("-o", output, input));
        return command;
    }

    private record Run(int exitCode, String output) {}

    private static Run run(List<String> command, Path dir) throws IOException {
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        try (InputStream out = process.getInputStream()) {
            String output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(command.getFirst() + " ran past " + TIMEOUT_MINUTES + " minutes");
            }
            return new Run(process.exitValue(), output);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for " + command.getFirst(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A leftover temp folder is harmless; the compile's own outcome matters more.
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
