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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Saves that either complete or change nothing: content goes to a hidden temporary sibling, is
 * forced to the disk, and then replaces the target by a rename. A crash or an exception mid-save
 * leaves the previous checkpoint as it was (plus, at worst, a hidden temporary file, which the next
 * save of the same target deletes once the process that wrote it is gone).
 */
final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes the content of a file. */
    interface Writer {
        void write(WritableByteChannel out) throws IOException;
    }

    /**
     * Called between the steps of a save with the step's name; a test sets it to halt the JVM there,
     * which is what a crash or a kill at that instant does.
     */
    static volatile java.util.function.Consumer<String> stepHook = step -> {};

    static void step(String name) {
        stepHook.accept(name);
    }

    static void writeFile(Path file, Writer writer) {
        Path parent = parent(file);
        Path tmp = null;
        try {
            removeDeadTemporaries(parent, file.getFileName().toString());
            tmp = sibling(parent, file, "saving");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                writer.write(ch);
                ch.force(true);
            }
            step("temporary written");
            move(tmp, file);
            forceFolder(parent);
            step("renamed");
            tmp = null;
        } catch (IOException e) {
            throw new CheckpointException("cannot save " + file + " (nothing was changed): " + IoReason.of(e), e);
        } finally {
            deleteQuietly(tmp);
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
     * A fresh hidden name beside {@code target}, tagged with this process's id so that a later save
     * can tell a dead process's leftover from a temporary another live process is writing. Not
     * {@code Files.createTemp*}: those make files only their owner may read, and a checkpoint should
     * get the permissions any other new file gets.
     */
    static Path sibling(Path parent, Path target, String purpose) {
        return parent.resolve("." + target.getFileName() + "." + purpose + "-"
                + ProcessHandle.current().pid() + "-" + UUID.randomUUID());
    }

    /** Whether {@code p} is a temporary of a save of {@code target} by a process that no longer runs. */
    static boolean isDeadTemporary(Path p, String target) {
        Matcher m = TEMPORARY.matcher(p.getFileName().toString());
        return m.matches() && m.group(1).equals(target) && isDead(m.group(2));
    }

    /** Whether {@code p} is a temporary of any save (or probe) by a process that no longer runs. */
    static boolean isDeadTemporary(Path p) {
        Matcher m = TEMPORARY.matcher(p.getFileName().toString());
        return m.matches() && isDead(m.group(2));
    }

    private static boolean isDead(String pid) {
        return ProcessHandle.of(Long.parseLong(pid)).map(h -> !h.isAlive()).orElse(true);
    }

    private static final Pattern TEMPORARY = Pattern.compile("\\.(.+)\\.saving-(\\d{1,19})-[0-9a-f-]{36}");

    /** Deletes the temporaries that crashed saves of {@code target} left in {@code parent}. */
    static void removeDeadTemporaries(Path parent, String target) throws IOException {
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.toList()) {
                if (isDeadTemporary(p, target)) {
                    deleteQuietly(p);
                }
            }
        }
    }

    /**
     * Forces a folder's entries (a rename, a new file) to the disk; without it a power loss could
     * undo a rename that already returned. A failure is the save's failure. Windows cannot open a
     * folder as a channel, and its renames are durable when they return, so there is nothing to do.
     */
    static void forceFolder(Path dir) throws IOException {
        if (WINDOWS) {
            return;
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");

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
