package dev.javelin.llm.train;

import dev.javelin.dsl.data.DataException;
import dev.javelin.llm.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A corpus tokenized once and kept as a memory-mapped file of token ids, so later runs neither
 * tokenize again nor hold the ids on the heap. The file is a 64-byte little-endian header — the
 * magic {@code JVLTOKEN}, format version, bytes per id (2 for vocabularies of at most 65,536 tokens,
 * else 4), token count, vocabulary size, and the SHA-256 of the text and the tokenizer — then the
 * ids. A file of another text or tokenizer, another version or the wrong length is stale and
 * rebuilt; a file without the magic (not ours) or with an id outside the vocabulary is refused,
 * naming it. The file is written beside its final name and moved into place, so a reader never
 * sees a half-written one.
 */
public final class TokenFile {
    private static final byte[] MAGIC = "JVLTOKEN".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    static final int HEADER = 64;
    /** Text whose ids tell one vocabulary from another, hashed with the corpus. */
    private static final String PROBE = "The Fulton County Grand Jury said Friday, \"no evidence\" ... 1961; é 東京 🙂";

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final MemorySegment ids;
    private final long count;
    private final int idBytes;
    private final int vocab;
    private final boolean built;

    private TokenFile(Path path, MemorySegment ids, long count, int idBytes, int vocab, boolean built) {
        this.path = path;
        this.ids = ids;
        this.count = count;
        this.idBytes = idBytes;
        this.vocab = vocab;
        this.built = built;
    }

    /**
     * The token file of {@code text} at {@code path}: mapped as it is if it holds this text's ids
     * under this tokenizer, else built (tokenized and written) first.
     *
     * @param path the cache file
     * @param text the corpus
     * @param tokenizer the tokenizer
     * @param log gets one line when the file is built, saying why
     * @return the mapped file
     * @throws DataException naming the file if it is not a token file, holds an id outside the
     *     vocabulary, or cannot be read or written
     */
    public static TokenFile open(Path path, String text, BpeTokenizer tokenizer, Consumer<String> log) {
        byte[] fingerprint = fingerprint(text, tokenizer);
        int idBytes = tokenizer.size() <= 65_536 ? 2 : 4;
        String stale = Files.exists(path) ? staleness(path, fingerprint, tokenizer.size(), idBytes) : "it is new";
        if (stale == null) {
            return map(path, false);
        }
        log.accept("tokenizing into " + path + " (" + stale + ")");
        write(path, tokenizer.encode(text), idBytes, tokenizer.size(), fingerprint);
        return map(path, true);
    }

    /** Null if the file holds these ids, else why it is stale; throws if it is not a token file at all. */
    private static String staleness(Path path, byte[] fingerprint, int vocab, int idBytes) {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        long size;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            size = ch.size();
            while (h.hasRemaining() && ch.read(h) >= 0) {
                // reads the header, or all of a shorter file
            }
        } catch (IOException e) {
            throw new DataException("cannot read token file " + path + ": " + e.getMessage(), e);
        }
        if (h.position() < MAGIC.length || !Arrays.equals(Arrays.copyOf(h.array(), MAGIC.length), MAGIC)) {
            throw new DataException(path + " is not a token file (expected the header JVLTOKEN, found " + size
                    + " bytes without it); delete it or choose another cache file");
        }
        if (h.position() < HEADER) {
            return "its header is cut short";
        }
        h.flip().position(MAGIC.length);
        int version = h.getInt();
        int bytes = h.getInt();
        long count = h.getLong();
        int v = h.getInt();
        h.getInt();
        byte[] fp = new byte[32];
        h.get(fp);
        if (version != VERSION) {
            return "format version " + version + ", expected " + VERSION;
        }
        if (bytes != idBytes || v != vocab || !Arrays.equals(fp, fingerprint)) {
            return "it holds the ids of another text or tokenizer";
        }
        if (size != HEADER + count * bytes) {
            return "it has " + size + " bytes, its header promises " + (HEADER + count * bytes);
        }
        return null;
    }

    private static void write(Path path, int[] tokens, int idBytes, int vocab, byte[] fingerprint) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER + tokens.length * idBytes).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC)
                .putInt(VERSION)
                .putInt(idBytes)
                .putLong(tokens.length)
                .putInt(vocab)
                .putInt(0);
        buf.put(fingerprint);
        for (int t : tokens) {
            if (idBytes == 2) {
                buf.putShort((short) t);
            } else {
                buf.putInt(t);
            }
        }
        Path tmp = null;
        try {
            Path dir = path.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(buf.array());
            }
            readableByAll(tmp);
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new DataException("cannot write token file " + path + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless: the next build writes another
                }
            }
        }
    }

    /** A temporary file is private to its owner; the cache it becomes is shared like the corpus beside it. */
    private static void readableByAll(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException | IOException e) {
            // not a POSIX file system, or not allowed: the file stays its owner's, which still works
        }
    }

    private static TokenFile map(Path path, boolean built) {
        MemorySegment all;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto());
        } catch (IOException e) {
            throw new DataException("cannot map token file " + path + ": " + e.getMessage(), e);
        }
        int idBytes = all.get(I32, 12);
        long count = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 16);
        int vocab = all.get(I32, 24);
        TokenFile f = new TokenFile(path, all.asSlice(HEADER), count, idBytes, vocab, built);
        f.checkIds();
        return f;
    }

    /** A flipped bit in an id would feed the model an id its embedding table lacks. */
    private void checkIds() {
        for (long i = 0; i < count; i++) {
            int id = get(i);
            if (id < 0 || id >= vocab) {
                throw new DataException("token file " + path + " is corrupt: token " + i + " is " + id
                        + ", outside the vocabulary of " + vocab + "; delete it to rebuild it");
            }
        }
    }

    private static byte[] fingerprint(String text, BpeTokenizer tokenizer) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(text.getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.allocate(4 * (1 + PROBE.length() * 4));
            b.putInt(tokenizer.size());
            for (int id : tokenizer.encode(PROBE)) {
                b.putInt(id);
            }
            sha.update(b.array(), 0, b.position());
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * The number of tokens.
     *
     * @return the token count
     */
    public long size() {
        return count;
    }

    /**
     * One token's id.
     *
     * @param i the position, in {@code [0, size())}
     * @return the id
     */
    public int get(long i) {
        return idBytes == 2 ? Short.toUnsignedInt(ids.getAtIndex(U16, i)) : ids.getAtIndex(I32, i);
    }

    /**
     * The vocabulary size the ids were checked against.
     *
     * @return the number of token ids
     */
    public int vocab() {
        return vocab;
    }

    /**
     * Whether {@link #open} tokenized the text (the file was missing or stale) rather than reusing the file.
     *
     * @return true if built by this open
     */
    public boolean built() {
        return built;
    }

    /**
     * The file.
     *
     * @return its path
     */
    public Path path() {
        return path;
    }

    /**
     * Windows of {@code seq + 1} tokens: the first {@code (1 - heldOut)} of the tokens for training,
     * the rest held out (a contiguous tail, so no held-out token is ever trained on).
     *
     * @param seq the model's sequence length
     * @param heldOut the held-out fraction, in {@code (0, 1)}
     * @return the training and held-out windows
     * @throws DataException if either part is shorter than one window
     */
    public dev.javelin.dsl.data.Dataset.Split windows(int seq, double heldOut) {
        if (!(heldOut > 0 && heldOut < 1)) {
            throw new DataException("the held-out fraction must be between 0 and 1, found " + heldOut);
        }
        long cut = Math.round(count * (1 - heldOut));
        return new dev.javelin.dsl.data.Dataset.Split(
                new TokenWindows(this, 0, cut, seq), new TokenWindows(this, cut, count, seq));
    }
}
