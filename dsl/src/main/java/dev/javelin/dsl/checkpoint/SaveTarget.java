package dev.javelin.dsl.checkpoint;

import dev.javelin.ir.type.TensorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The rules a checkpoint save follows, checked before any long work so that a save that would be
 * refused fails in the first second, not after training. A save never removes or replaces a file
 * Javelin did not write:
 *
 * <ul>
 *   <li>a {@code .safetensors} target may be absent, or an existing file whose metadata says Javelin
 *       wrote it ({@value Checkpoint#WRITER}); its folder must exist or be creatable, and writable;
 *   <li>a folder target may be absent, empty, or a checkpoint folder Javelin wrote (it holds {@value
 *       CheckpointFolder#MANIFEST}); files in it that are not the checkpoint's own stay as they are. A
 *       folder holding anything else (a data folder of {@code .npy} files, say) is refused, except
 *       for the files the same run writes itself ({@code ownFiles}, such as a loss CSV inside it);
 *   <li>there must be room on the disk for the tensors.
 * </ul>
 */
public final class SaveTarget {
    private SaveTarget() {}

    /**
     * Checks that {@code path} may receive a checkpoint of {@code tensors}, creating the folders it
     * needs; fails with a {@link CheckpointException} that says why not and what to do.
     *
     * @param path a {@code .safetensors} file or a folder
     * @param tensors the tensors to be saved, whose sizes are checked against the free space
     * @param ownFiles files the caller wrote into a new target folder itself, which do not make it foreign
     * @throws CheckpointException if the target cannot take the checkpoint
     */
    public static void check(Path path, Map<String, TensorType> tensors, Set<Path> ownFiles) {
        long bytes = bytes(tensors);
        if (Checkpoint.isFile(path)) {
            checkFile(path);
            checkRoom(path.toAbsolutePath().getParent(), path, bytes);
        } else {
            Checkpoint.checkFolderNames(path, tensors);
            checkFolder(path, ownFiles);
            checkRoom(path, path, bytes);
        }
    }

    /**
     * Whether {@code file} is (or would be) one of the entries a checkpoint folder at {@code save}
     * owns, which no other output may take.
     *
     * @param save the checkpoint's target
     * @param file another output's file
     * @return true if a checkpoint folder at {@code save} owns {@code file}
     */
    public static boolean ownedByCheckpoint(Path save, Path file) {
        Path dir = save.toAbsolutePath().normalize();
        Path f = file.toAbsolutePath().normalize();
        return !Checkpoint.isFile(save)
                && dir.equals(f.getParent())
                && CheckpointFolder.owns(f.getFileName().toString());
    }

    private static void checkFile(Path file) {
        Path parent = createFolder(file.toAbsolutePath().getParent(), file);
        if (Files.isDirectory(file)) {
            throw new CheckpointException("cannot save checkpoint " + file + ": it is a folder; a name ending in"
                    + " .safetensors saves one file (name a new file, or a folder without that ending)");
        }
        if (Files.exists(file)) {
            boolean ours;
            try {
                ours = Safetensors.metadata(file).containsKey(Checkpoint.WRITER);
            } catch (CheckpointException e) {
                ours = false;
            }
            if (!ours) {
                throw new CheckpointException("cannot save checkpoint " + file + ": a file is there that Javelin did"
                        + " not write (it has no \"" + Checkpoint.WRITER + "\" metadata), and a save never replaces"
                        + " such a file; move it away or save elsewhere");
            }
        }
        probe(parent, file);
    }

    private static void checkFolder(Path dir, Set<Path> ownFiles) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new CheckpointException("cannot save checkpoint folder " + dir + ": a file is there (a name ending"
                    + " in .safetensors saves one file)");
        }
        if (CheckpointFolder.isCheckpoint(dir)) {
            try {
                CheckpointFolder.manifest(dir);
            } catch (CheckpointException e) {
                throw new CheckpointException("cannot save checkpoint folder " + dir + ": its manifest is damaged ("
                        + e.getMessage() + "); move the folder away, or restore " + CheckpointFolder.MANIFEST);
            }
        } else if (Files.isDirectory(dir)) {
            List<String> foreign = new ArrayList<>();
            List<Path> own =
                    ownFiles.stream().map(p -> p.toAbsolutePath().normalize()).toList();
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) {
                    Path abs = p.toAbsolutePath().normalize();
                    // the run's own files, and the folders it made for them, are not the user's
                    boolean ours = own.stream().anyMatch(o -> o.startsWith(abs)) || AtomicFiles.isDeadTemporary(p);
                    if (!ours) {
                        foreign.add(p.getFileName().toString());
                    }
                }
            } catch (IOException e) {
                throw new CheckpointException(
                        "cannot save checkpoint folder " + dir + ": cannot list it (" + IoReason.of(e) + ")");
            }
            if (!foreign.isEmpty()) {
                throw new CheckpointException("cannot save checkpoint folder " + dir + ": it holds "
                        + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                        + (foreign.size() > 5 ? " and " + (foreign.size() - 5) + " more" : "")
                        + ", and is not a checkpoint Javelin wrote (no " + CheckpointFolder.MANIFEST + "); a save"
                        + " only goes into a new or empty folder or a Javelin checkpoint, so that no file of yours"
                        + " is ever replaced: name a new folder");
            }
        }
        probe(createFolder(dir, dir), dir);
    }

    private static Path createFolder(Path dir, Path target) {
        try {
            Files.createDirectories(dir);
            return dir;
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("cannot save checkpoint " + target + ": cannot create the folder " + dir
                    + " (" + (e instanceof IOException io ? IoReason.of(io) : e.getMessage()) + ")");
        }
    }

    /** Creates and deletes a file in {@code dir}: the only test of writability that holds for every user, root too. */
    private static void probe(Path dir, Path target) {
        Path p = AtomicFiles.sibling(dir, Path.of("probe"), "saving");
        try {
            Files.createFile(p);
            Files.delete(p);
        } catch (IOException e) {
            throw new CheckpointException("cannot save checkpoint " + target + ": cannot create files in " + dir + " ("
                    + IoReason.of(e) + ")");
        }
    }

    private static void checkRoom(Path dir, Path target, long bytes) {
        try {
            long free = Files.getFileStore(dir).getUsableSpace();
            if (free < bytes) {
                throw new CheckpointException(String.format(
                        java.util.Locale.ROOT,
                        "cannot save checkpoint %s: it needs %,d bytes and the disk holding %s has %,d free",
                        target,
                        bytes,
                        dir,
                        free));
            }
        } catch (IOException e) {
            // a file store that cannot tell its free space: the save itself will say if it runs out
        }
    }

    /** The tensors' data bytes plus a little per tensor for headers. */
    static long bytes(Map<String, TensorType> tensors) {
        long sum = 0;
        for (TensorType t : tensors.values()) {
            sum = Math.addExact(
                    sum, Math.multiplyExact(t.shape().staticProduct(), t.dtype().byteSize()) + 256);
        }
        return sum;
    }
}
