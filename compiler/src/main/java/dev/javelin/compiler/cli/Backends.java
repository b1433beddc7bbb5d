package dev.javelin.compiler.cli;

import dev.javelin.compiler.cpu.SimdBackend;
import dev.javelin.dsl.train.Backend;
import java.util.function.Consumer;

/** The backends by command-line name, and {@code --device}'s choice among them. */
final class Backends {
    private Backends() {}

    /** {@code backend} if given, else the device's: auto and gpu want CUDA, which is not built yet. */
    static Backend choose(String backend, String device, Consumer<String> log) {
        if (backend != null) {
            return named(backend, log);
        }
        return switch (device) {
            case "auto", "cpu" -> named("simd", log);
            case "gpu" -> named("cuda", log);
            default -> throw new CliException("unknown --device '" + device + "' (expected auto, cpu or gpu)");
        };
    }

    static Backend named(String name, Consumer<String> log) {
        return switch (name) {
            case "interpreter" -> Backend.INTERPRETER;
            case "simd" -> SimdBackend.forMachine(log);
            case "cuda" ->
                throw new CliException("the CUDA backend is not built yet (it is the next issue); use --backend simd"
                        + " or --device cpu");
            default -> throw new CliException("unknown backend '" + name + "' (expected interpreter, simd or cuda)");
        };
    }

    /** Closes a backend that holds resources (the CPU backend's thread pool). */
    record Closer(Backend backend) implements AutoCloseable {
        @Override
        public void close() {
            if (backend instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
