package dev.javelin.codegen.cuda.toolchain;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Chooses the CUDA compiler. {@code auto} tries, in order, NVRTC through JCuda, NVRTC through
 * {@code java.lang.foreign}, then {@code nvcc}, and takes the first that works, logging one line
 * for each it skipped and why; {@code jcuda}, {@code nvrtc} or {@code nvcc} asks for one, and fails
 * with its reason when it does not work. The choice is the compiler module's flag
 * {@code javelin.cuda.compiler}.
 */
public final class CudaCompilers {
    /** The choices, {@code auto} first and then the order {@code auto} tries. */
    public static final List<String> CHOICES = List.of("auto", "jcuda", "nvrtc", "nvcc");

    private CudaCompilers() {}

    /** One compiler {@code auto} may try: its choice name and how to open it (throws when unusable). */
    record Candidate(String choice, Supplier<CudaCompiler> open) {}

    /** As {@link #select(String, Optional, Optional, Consumer)}, with libnvrtc and nvcc searched for. */
    public static CudaCompiler select(String choice, Consumer<String> log) {
        return select(choice, Optional.empty(), Optional.empty(), log);
    }

    /**
     * @param nvrtcLibrary libnvrtc (a file, or a folder holding one) for the {@code java.lang.foreign}
     *     binding; searched for when empty (see {@link NvrtcLocator})
     * @param nvcc the nvcc executable; {@code PATH} is searched when empty
     * @param log receives the chosen compiler and version, and for {@code auto} each skipped one
     * @throws IllegalArgumentException when {@code choice} is not one of {@link #CHOICES}
     * @throws CudaCompilerUnavailableException when the chosen compiler, or for {@code auto} every
     *     compiler, cannot be used; the message holds each reason
     */
    public static CudaCompiler select(
            String choice, Optional<Path> nvrtcLibrary, Optional<Path> nvcc, Consumer<String> log) {
        List<Candidate> candidates = List.of(
                new Candidate("jcuda", NvrtcCompiler::jcuda),
                new Candidate("nvrtc", () -> NvrtcCompiler.foreign(nvrtcLibrary)),
                new Candidate("nvcc", () -> NvccCompiler.open(nvcc)));
        return select(choice, candidates, log);
    }

    static CudaCompiler select(String choice, List<Candidate> candidates, Consumer<String> log) {
        String normalized = choice == null ? "" : choice.strip().toLowerCase(Locale.ROOT);
        if (!CHOICES.contains(normalized)) {
            throw new IllegalArgumentException("CUDA compiler choice '" + choice + "' (flag javelin.cuda.compiler)"
                    + " is not one of " + String.join(", ", CHOICES));
        }
        if (!normalized.equals("auto")) {
            Candidate candidate = candidates.stream()
                    .filter(c -> c.choice().equals(normalized))
                    .findFirst()
                    .orElseThrow();
            try {
                return chosen(candidate, log);
            } catch (RuntimeException | LinkageError e) {
                throw new CudaCompilerUnavailableException(
                        "CUDA compiler '" + normalized + "' was asked for but cannot be used: " + reason(e), e);
            }
        }
        List<String> reasons = new ArrayList<>();
        for (Candidate candidate : candidates) {
            try {
                return chosen(candidate, log);
            } catch (RuntimeException | LinkageError e) {
                reasons.add(candidate.choice() + ": " + reason(e));
                log.accept("CUDA compiler " + candidate.choice() + " skipped: " + reason(e));
            }
        }
        throw new CudaCompilerUnavailableException("no CUDA compiler can be used here; tried "
                + String.join("; ", reasons)
                + ". Run scripts/install-nvrtc, or put CUDA's nvcc on PATH");
    }

    private static CudaCompiler chosen(Candidate candidate, Consumer<String> log) {
        CudaCompiler compiler = candidate.open().get();
        log.accept("CUDA compiler: " + compiler.name() + ", version " + compiler.version());
        return compiler;
    }

    /** The exception's own message when it has one; its type too when that is all it says. */
    private static String reason(Throwable e) {
        if (e instanceof CudaCompilerUnavailableException) {
            return e.getMessage();
        }
        return e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
