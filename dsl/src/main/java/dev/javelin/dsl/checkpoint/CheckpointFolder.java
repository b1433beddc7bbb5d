package dev.javelin.dsl.checkpoint;

import dev.javelin.dsl.json.Json;
import dev.javelin.dsl.json.JsonException;
import dev.javelin.ir.npy.Npy;
import dev.javelin.ir.npy.NpyException;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A checkpoint folder that Javelin owns, replaced crash-safely. Layout:
 *
 * <pre>
 * D/javelin-checkpoint.json   {"format": "javelin-checkpoint", "version": 1, "tensors": "tensors.3", "metadata": {...}}
 * D/tensors.3/NAME.npy        one plain .npy per tensor of the current checkpoint
 * D/tensors.3/.javelin        a marker: Javelin wrote this folder (so a leftover is known to be ours)
 * D/.lock                     held while a save runs, so two processes never save into D at once
 * </pre>
 *
 * A save writes a whole new folder under a hidden temporary name, forces it to the disk and renames
 * it to {@code tensors.N+1}, then swaps the manifest with one atomic rename (the commit), then
 * deletes the older folder. At every instant the
 * manifest names a complete folder: the old checkpoint until the rename, the new one after. What a
 * crash leaves behind (a half-written {@code tensors.N+1}, a temporary manifest, an old folder that
 * was not yet deleted) is never named by the manifest, and the next save into D deletes it. Files in
 * D that are not the checkpoint's own are never touched.
 */
final class CheckpointFolder {
    static final String MANIFEST = "javelin-checkpoint.json";
    static final String FORMAT = "javelin-checkpoint";
    private static final String LOCK = ".lock";
    private static final Pattern GENERATION = Pattern.compile("tensors\\.(\\d{1,18})");
    /** The file in every tensors folder Javelin writes; a folder without it is never deleted. */
    static final String MARKER = ".javelin";

    private CheckpointFolder() {}

    /** Whether {@code name} is an entry a checkpoint folder owns (its manifest, its lock, a tensors folder). */
    static boolean owns(String name) {
        return name.equals(MANIFEST)
                || name.equals(LOCK)
                || GENERATION.matcher(name).matches();
    }

    /** Whether {@code dir} holds a manifest, i.e. is a checkpoint folder Javelin wrote. */
    static boolean isCheckpoint(Path dir) {
        return Files.isRegularFile(dir.resolve(MANIFEST));
    }

    static void save(Path dir, Map<String, NdArray> tensors, Map<String, String> metadata) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CheckpointException(
                    "cannot save " + dir + ": cannot create the folder (" + IoReason.of(e) + ")", e);
        }
        try (FileChannel lockFile =
                        FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = tryLock(lockFile, dir)) {
            String current = isCheckpoint(dir) ? manifest(dir).tensors() : null;
            removeLeftovers(dir, current);
            Path data = Files.createDirectory(AtomicFiles.sibling(dir, Path.of("tensors"), "saving"));
            AtomicFiles.writeBytes(data.resolve(MARKER), new byte[0]);
            for (Map.Entry<String, NdArray> e : new TreeMap<>(tensors).entrySet()) {
                AtomicFiles.writeBytes(data.resolve(e.getKey() + ".npy"), Npy.toBytes(e.getValue()));
                AtomicFiles.step("tensor written");
            }
            AtomicFiles.forceFolder(data);
            long n = current == null ? 1 : generation(current) + 1;
            while (Files.exists(dir.resolve("tensors." + n))) { // a folder of the user's may have the name
                n++;
            }
            String next = "tensors." + n;
            Files.move(data, dir.resolve(next), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.forceFolder(dir);
            AtomicFiles.step("tensors written");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("format", FORMAT);
            m.put("version", 1L);
            m.put("tensors", next);
            m.put("metadata", new TreeMap<>(metadata));
            byte[] manifest = (Json.write(m) + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicFiles.writeFile(dir.resolve(MANIFEST), ch -> ch.write(java.nio.ByteBuffer.wrap(manifest)));
            AtomicFiles.forceFolder(dir);
            AtomicFiles.step("manifest swapped");
            if (current != null) {
                AtomicFiles.deleteQuietly(dir.resolve(current));
                AtomicFiles.step("old tensors deleted");
            }
        } catch (IOException e) {
            throw new CheckpointException(
                    "cannot save " + dir + " (the previous checkpoint is kept): " + IoReason.of(e), e);
        }
    }

    private static FileLock tryLock(FileChannel ch, Path dir) throws IOException {
        FileLock lock;
        try {
            lock = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new CheckpointException("cannot save " + dir + ": another save into it is running right now");
        }
        return lock;
    }

    /**
     * Deletes what an interrupted save left: tensors folders with Javelin's marker that the manifest
     * does not name, and temporaries of processes that no longer run. A folder without the marker is
     * the user's, whatever its name.
     */
    private static void removeLeftovers(Path dir, String current) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                boolean staleData =
                        GENERATION.matcher(n).matches() && !n.equals(current) && Files.isRegularFile(p.resolve(MARKER));
                if (staleData || AtomicFiles.isDeadTemporary(p)) {
                    AtomicFiles.deleteQuietly(p);
                }
            }
        }
    }

    /** The tensors and metadata of the checkpoint the manifest names. */
    static Checkpoint.Contents read(Path dir) {
        // A save that commits between reading the manifest and reading its folder deletes that folder: read again.
        for (int attempt = 0; ; attempt++) {
            Manifest m = manifest(dir);
            try {
                return new Checkpoint.Contents(loadFolder(dir.resolve(m.tensors())), m.metadata());
            } catch (NoSuchFileException e) {
                if (!Files.isDirectory(dir.resolve(m.tensors()))) {
                    throw new CheckpointException(
                            "checkpoint " + dir + " is incomplete: its " + MANIFEST + " names the" + " folder "
                                    + m.tensors() + ", which is not there (was the checkpoint copied without it?)");
                }
                if (attempt == 2) {
                    throw new CheckpointException("cannot read checkpoint " + dir + ": " + e.getFile()
                            + " vanished while reading; is another process saving into it?");
                }
            } catch (IOException e) {
                throw new CheckpointException("cannot read checkpoint " + dir + ": " + IoReason.of(e), e);
            }
        }
    }

    /** What the manifest says. */
    record Manifest(String tensors, Map<String, String> metadata) {}

    static Manifest manifest(Path dir) {
        Path file = dir.resolve(MANIFEST);
        String where = file.toString();
        Object parsed;
        try {
            if (Files.size(file) > 1 << 20) {
                throw new CheckpointException(where + ": a checkpoint manifest is a few hundred bytes; this one is "
                        + Files.size(file) + " bytes, so it is not one");
            }
            parsed = Json.parse(Files.readString(file, StandardCharsets.UTF_8), where);
        } catch (JsonException e) {
            throw new CheckpointException(e.getMessage(), e);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + where + ": " + IoReason.of(e), e);
        }
        if (!(parsed instanceof Map<?, ?> map) || !FORMAT.equals(map.get("format"))) {
            throw new CheckpointException(where + ": not a Javelin checkpoint manifest (expected an object with"
                    + " \"format\": \"" + FORMAT + "\")");
        }
        if (!(map.get("tensors") instanceof String t) || !GENERATION.matcher(t).matches()) {
            throw new CheckpointException(where + ": \"tensors\" must name a folder tensors.N of the checkpoint,"
                    + " found " + map.get("tensors"));
        }
        Map<String, String> metadata = new TreeMap<>();
        if (map.get("metadata") instanceof Map<?, ?> md) {
            md.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
        }
        return new Manifest(t, metadata);
    }

    private static long generation(String name) {
        Matcher m = GENERATION.matcher(name);
        if (!m.matches()) {
            throw new IllegalStateException(name); // manifest() accepts only names that match
        }
        return Long.parseLong(m.group(1));
    }

    /** Every visible {@code NAME.npy} in {@code dir}, as tensor {@code NAME}; other files are ignored. */
    static SortedMap<String, NdArray> loadFolder(Path dir) throws IOException {
        SortedMap<String, NdArray> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.sorted().toList();
            for (Path p : files) {
                String n = p.getFileName().toString();
                if (n.endsWith(".npy") && !n.startsWith(".") && Files.isRegularFile(p)) {
                    try {
                        out.put(n.substring(0, n.length() - 4), Npy.read(p));
                    } catch (NpyException e) {
                        throw new CheckpointException(e.getMessage(), e);
                    }
                }
            }
        }
        return out;
    }
}
