package dev.javelin.compiler.cpu;

import dev.javelin.ir.io.AtomicWrite;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Compiled classes on disk, one file per key ({@code <key>.classes}): a magic line, the classes
 * (name, length, bytes) and a SHA-256 of all that. An entry whose checksum or structure is wrong
 * is reported as corrupt and never loaded; entries are written atomically, so a crash leaves the
 * old entry or none.
 */
final class ClassCache {
    private static final String MAGIC = "javelin-cpu-classes-1";

    private final Path dir;

    ClassCache(Path dir) {
        this.dir = dir;
    }

    Path file(String key) {
        return dir.resolve(key + ".classes");
    }

    /** What a lookup found. */
    sealed interface Lookup {
        record Hit(Map<String, byte[]> classes) implements Lookup {}

        record Miss() implements Lookup {}

        record Corrupt(String why) implements Lookup {}
    }

    Lookup get(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            return new Lookup.Miss();
        }
        try {
            byte[] all = Files.readAllBytes(f);
            if (all.length < 32) {
                return new Lookup.Corrupt("truncated (" + all.length + " bytes)");
            }
            byte[] body = Arrays.copyOf(all, all.length - 32);
            byte[] sum = Arrays.copyOfRange(all, all.length - 32, all.length);
            if (!Arrays.equals(sha256(body), sum)) {
                return new Lookup.Corrupt("checksum mismatch");
            }
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body));
            if (!in.readUTF().equals(MAGIC)) {
                return new Lookup.Corrupt("not a class cache entry");
            }
            int n = in.readInt();
            Map<String, byte[]> classes = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                classes.put(name, bytes);
            }
            return new Lookup.Hit(classes);
        } catch (IOException | RuntimeException e) {
            return new Lookup.Corrupt(e.toString());
        }
    }

    void put(String key, Map<String, byte[]> classes) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeUTF(MAGIC);
            out.writeInt(classes.size());
            for (var e : classes.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
        }
        byte[] body = buf.toByteArray();
        byte[] all = Arrays.copyOf(body, body.length + 32);
        System.arraycopy(sha256(body), 0, all, body.length, 32);
        Files.createDirectories(dir);
        AtomicWrite.write(file(key), all);
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String key(String... parts) {
        return HexFormat.of()
                .formatHex(sha256(String.join("\u0000", parts).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .substring(0, 32);
    }

    static Optional<Path> defaultDir() {
        String home = System.getProperty("user.home");
        return home == null ? Optional.empty() : Optional.of(Path.of(home, ".cache", "javelin", "cpu"));
    }
}
