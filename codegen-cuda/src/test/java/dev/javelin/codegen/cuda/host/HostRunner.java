package dev.javelin.codegen.cuda.host;

import dev.javelin.runtime.cuda.CudaLaunch;
import dev.javelin.runtime.cuda.KernelRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A {@link KernelRunner} over a host program built by {@link HostHarness}: the memory block is a
 * byte array here; each {@link #launch} writes it to a file, runs the program over the launch list
 * and reads the block back. A launch that fails, deadlocks or runs out of time throws
 * {@link IllegalStateException} carrying the program's own message.
 */
public final class HostRunner implements KernelRunner {

    /**
     * Time limits: {@code process} for one {@link #launch} call as a whole, {@code barrier} for one
     * wait at a barrier or shuffle before the program reports a deadlock.
     */
    public record Limits(Duration process, Duration barrier) {
        public static final Limits DEFAULT = new Limits(Duration.ofMinutes(2), Duration.ofSeconds(20));

        public Limits {
            if (process.isNegative() || process.isZero() || barrier.isNegative() || barrier.isZero()) {
                throw new IllegalArgumentException(
                        "host harness limits must be positive: process " + process + ", barrier " + barrier);
            }
        }
    }

    private final HostHarness harness;
    private final Limits limits;
    private final byte[] block;
    private boolean closed;

    HostRunner(HostHarness harness, long bytes, Limits limits) {
        if (bytes < 0 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "the host harness holds the memory block in one Java array; " + bytes + " bytes do not fit");
        }
        this.harness = harness;
        this.limits = limits;
        this.block = new byte[(int) bytes];
    }

    @Override
    public String describe() {
        return "CUDA host harness (g++, " + harness.executable() + ")";
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int length) {
        checkRange("write", offset, length);
        System.arraycopy(src, srcOffset, block, (int) offset, length);
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) {
        checkRange("read", offset, length);
        System.arraycopy(block, (int) offset, dst, dstOffset, length);
    }

    @Override
    public void copy(long from, long to, long bytes) {
        checkRange("copy from", from, bytes);
        checkRange("copy to", to, bytes);
        // System.arraycopy copies as if through a temporary, so overlapping ranges are safe.
        System.arraycopy(block, (int) from, block, (int) to, (int) bytes);
    }

    @Override
    public void launch(List<CudaLaunch> launches) {
        checkOpen();
        if (launches.isEmpty()) {
            return;
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("javelin-host-run-");
            Path memory = dir.resolve("memory.bin");
            Path launchFile = dir.resolve("launches.txt");
            Files.write(memory, block);
            Files.writeString(
                    launchFile, launches.stream().map(HostRunner::line).collect(Collectors.joining()));
            HostProcess run = HostProcess.run(
                    List.of(harness.executable().toString(), memory.toString(), launchFile.toString()),
                    Map.of(
                            "JAVELIN_HOST_BARRIER_TIMEOUT_MS",
                            Long.toString(limits.barrier().toMillis())),
                    limits.process());
            if (run.timedOut() || run.exitCode() != 0) {
                throw new IllegalStateException("host harness " + run.ending() + " running " + summary(launches)
                        + (run.timedOut() ? " (limit " + limits.process() + ")" : "") + ":\n"
                        + run.output().strip());
            }
            byte[] back = Files.readAllBytes(memory);
            if (back.length != block.length) {
                throw new IllegalStateException("host harness wrote back " + back.length + " bytes of a " + block.length
                        + "-byte memory block");
            }
            System.arraycopy(back, 0, block, 0, block.length);
        } catch (IOException e) {
            throw new UncheckedIOException("host harness I/O failed: " + e.getMessage(), e);
        } finally {
            deleteQuietly(dir);
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    /** One line of the launch file: {@code function gridX gridY gridZ blockX blockY blockZ sharedBytes}. */
    static String line(CudaLaunch l) {
        return l.function() + " " + l.gridX() + " " + l.gridY() + " " + l.gridZ() + " " + l.blockX() + " " + l.blockY()
                + " " + l.blockZ() + " " + l.sharedBytes() + "\n";
    }

    private static String summary(List<CudaLaunch> launches) {
        String first = launches.stream().limit(3).map(CudaLaunch::describe).collect(Collectors.joining(", "));
        return launches.size() <= 3 ? first : first + " and " + (launches.size() - 3) + " more launches";
    }

    private void checkRange(String what, long offset, long length) {
        checkOpen();
        if (offset < 0 || length < 0 || offset + length > block.length) {
            throw new IndexOutOfBoundsException(what + " of " + length + " bytes at offset " + offset + " leaves the "
                    + block.length + "-byte memory block");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this host runner is closed");
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a leftover temp folder is harmless
        }
    }
}
