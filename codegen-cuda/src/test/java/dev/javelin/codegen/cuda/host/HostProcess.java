package dev.javelin.codegen.cuda.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs one external command (g++, nvcc, a harness program) with a time limit and captures its output. */
record HostProcess(int exitCode, boolean timedOut, String output) {

    static HostProcess run(List<String> command, Map<String, String> environment, Duration timeout) {
        Path log = null;
        try {
            // Output goes to a file, not a pipe: a chatty process can never block on a full pipe.
            log = Files.createTempFile("javelin-host-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            return new HostProcess(finished ? process.exitValue() : -1, !finished, output);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        } finally {
            if (log != null) {
                try {
                    Files.deleteIfExists(log);
                } catch (IOException ignored) {
                    // a leftover temp log is harmless
                }
            }
        }
    }

    /** How the process ended, for messages: an exit code, a signal (Java reports 128 + n), or the time limit. */
    String ending() {
        if (timedOut) {
            return "did not finish in time and was killed";
        }
        if (exitCode > 128) {
            int signal = exitCode - 128;
            String name = switch (signal) {
                case 4 -> "SIGILL";
                case 6 -> "SIGABRT";
                case 7 -> "SIGBUS";
                case 8 -> "SIGFPE";
                case 9 -> "SIGKILL";
                case 11 -> "SIGSEGV";
                default -> "signal " + signal;
            };
            return "died of " + name;
        }
        return "exited with status " + exitCode;
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
