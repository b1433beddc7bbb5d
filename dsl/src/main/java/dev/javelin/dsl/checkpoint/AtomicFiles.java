package dev.javelin.dsl.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Saves that either complete or change nothing: content goes to a hidden temporary sibling, is
 * forced to the disk, and then replaces the target by a rename. A crash or an exception mid-save
 * leaves the previous checkpoint as it was (plus, at worst, a hidden temporary file).
 */
final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the content of a file. */
    interface Writer {
        void write(WritableByteChannel out) throws IOException;
    }

    /** Fills a fresh, empty folder. */
    interface FolderWriter {
        void write(Path dir) throws IOException;
    }

    static void writeFile(Path file, Writer writer) {
        Path parent = parent(file);
        Path tmp = null;
        try {
            tmp = sibling(parent, file, "saving");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                writer.write(ch);
                ch.force(true);
            }
            move(tmp, file);
            tmp = null;
        } catch (IOException e) {
            throw new CheckpointException("cannot save " + file + " (nothing was changed): " + e, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * Replaces folder {@code dir} (if it exists) with one filled by {@code writer}. The old folder is
     * moved aside before the new one is renamed into place and deleted after, and moved back if the
     * rename fails.
     */
    static void replaceFolder(Path dir, FolderWriter writer) {
        Path parent = parent(dir);
        Path tmp = null;
        Path old = null;
        try {
            tmp = Files.createDirectory(sibling(parent, dir, "saving"));
            writer.write(tmp);
            if (Files.exists(dir)) {
                old = sibling(parent, dir, "old");
                move(dir, old);
                try {
                    move(tmp, dir);
                } catch (IOException e) {
                    move(old, dir);
                    old = null;
                    throw e;
                }
            } else {
                move(tmp, dir);
            }
            tmp = null;
        } catch (IOException e) {
            throw new CheckpointException("cannot save " + dir + " (nothing was changed): " + e, e);
        } finally {
            deleteQuietly(tmp);
            deleteQuietly(old);
        }
    }

    /** Writes one file of a folder being filled, forced to the disk before the folder is renamed into place. */
    static void writeBytes(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    /**
     * A fresh hidden name beside {@code target}. Not {@code Files.createTemp*}: those make files only
     * their owner may read, and a checkpoint should get the permissions any other new file gets.
     */
    static Path sibling(Path parent, Path target, String purpose) {
        return parent.resolve("." + target.getFileName() + "." + purpose + "-" + UUID.randomUUID());
    }

    private static Path parent(Path p) {
        Path parent = p.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) {
            throw new CheckpointException("cannot save " + p + ": folder " + parent + " does not exist");
        }
        return parent;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            // some file systems cannot rename atomically; a plain replace is the best they offer
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteQuietly(Path p) {
        if (p == null || !Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        } catch (IOException ignored) {
            // a leftover hidden temporary is harmless; the caller is already reporting what matters
        }
    }
}
