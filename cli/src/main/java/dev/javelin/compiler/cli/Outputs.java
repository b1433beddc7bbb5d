package dev.javelin.compiler.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Output files named on the command line, checked before any long work starts: a report that
 * cannot be written should fail in the first second, not after minutes of measuring or training.
 */
final class Outputs {
    private Outputs() {}

    /**
     * Creates {@code file}'s folder when missing; fails naming the option when the folder cannot be
     * made or written, or the file is a folder. {@code null} (the option not given) passes.
     */
    static void writable(Path file, String option) {
        if (file == null) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException | RuntimeException e) {
            throw new CliException("cannot write " + option + " " + file + ": cannot create the folder " + parent + " ("
                    + (e instanceof IOException io ? dev.javelin.dsl.checkpoint.IoReason.of(io) : e.getMessage())
                    + ")");
        }
        if (Files.isDirectory(file)) {
            throw new CliException("cannot write " + option + " " + file + ": it is a folder");
        }
        if (parent != null && !Files.isWritable(parent)) {
            throw new CliException(
                    "cannot write " + option + " " + file + ": the folder " + parent + " is not writable");
        }
    }
}
