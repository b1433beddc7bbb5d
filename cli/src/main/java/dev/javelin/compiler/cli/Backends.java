package dev.javelin.compiler.cli;

import dev.javelin.compiler.cpu.SimdBackend;
import dev.javelin.compiler.cuda.CudaTrainerBackend;
import dev.javelin.dsl.train.Backend;
import dev.javelin.runtime.cuda.CudaDevices;
import java.util.function.Consumer;

/** The backends by command-line name, and {@code --device}'s choice among them. */
final class Backends {
    private Backends() {}

    /**
     * {@code backend} if given, else the device's: gpu wants CUDA, auto CUDA where a GPU is present;
     * {@code debug} adds why there is no GPU to the one line auto prints.
     */
    static Backend choose(String backend, String device, boolean debug, Consumer<String> log) {
        if (backend != null) {
            return named(backend, log);
        }
        return switch (device) {
            case "cpu" -> named("simd", log);
            case "gpu", "cuda" -> named("cuda", log);
            case "auto" -> {
                CudaDevices.Availability a = CudaDevices.probe();
                if (a.available()) {
                    yield named("cuda", log);
                }
                // one short line: the long driver detail is what --device gpu reports when it fails
                log.accept(
                        debug
                                ? "no usable GPU (" + a.reason() + "): running on the CPU backend"
                                : "no usable GPU: running on the CPU backend (--device gpu says why)");
                yield named("simd", log);
            }
            default -> throw new CliException("unknown --device '" + device + "' (expected auto, cpu, gpu or cuda)");
        };
    }

    static Backend named(String name, Consumer<String> log) {
        return switch (name) {
            case "interpreter" -> Backend.INTERPRETER;
            case "simd" -> SimdBackend.forMachine(log);
            case "cuda" -> {
                CudaDevices.Availability a = CudaDevices.probe();
                if (!a.available()) {
                    throw new CliException(
                            "the CUDA backend needs a GPU: " + a.reason() + "; use --backend simd or --device cpu");
                }
                yield CudaTrainerBackend.open(log);
            }
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
