package dev.javelin.codegen.cuda.toolchain;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The bytes of one {@link ModuleCache} entry. A header, then the payload:
 *
 * <pre>
 * magic "JVCUDAMC" (8 bytes) | format (int) | payload length (int) | SHA-256 of the payload (32 bytes)
 * payload: key | kind | arch | compiler | log | compile millis | image length | image
 * </pre>
 *
 * Strings are an int length and UTF-8 bytes. The key inside the payload guards against an entry
 * renamed or copied under another key.
 */
final class ModuleCacheEntry {
    static final String SUFFIX = ".module";
    static final int FORMAT = 1;
    private static final byte[] MAGIC = "JVCUDAMC".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = MAGIC.length + 4 + 4 + 32;

    private ModuleCacheEntry() {}

    /** An entry that must not be loaded; the message says what is wrong with it. */
    static final class CorruptEntryException extends Exception {
        CorruptEntryException(String message) {
            super(message);
        }
    }

    static byte[] encode(CompiledModule module, String key) {
        ByteArrayOutputStream payloadBytes = new ByteArrayOutputStream();
        try (DataOutputStream payload = new DataOutputStream(payloadBytes)) {
            writeString(payload, key);
            writeString(payload, module.kind().name());
            writeString(payload, module.arch());
            writeString(payload, module.compiler());
            writeString(payload, module.log());
            payload.writeLong(module.compileMillis());
            byte[] image = module.image();
            payload.writeInt(image.length);
            payload.write(image);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        byte[] body = payloadBytes.toByteArray();
        return ByteBuffer.allocate(HEADER + body.length)
                .put(MAGIC)
                .putInt(FORMAT)
                .putInt(body.length)
                .put(ModuleCache.sha256().digest(body))
                .put(body)
                .array();
    }

    static CompiledModule decode(byte[] bytes, String key) throws CorruptEntryException {
        if (bytes.length < HEADER) {
            throw new CorruptEntryException("truncated: " + bytes.length + " bytes, shorter than the header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        byte[] magic = new byte[MAGIC.length];
        buffer.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new CorruptEntryException("not a Javelin CUDA module entry (bad magic)");
        }
        int format = buffer.getInt();
        if (format != FORMAT) {
            throw new CorruptEntryException("format " + format + ", expected " + FORMAT);
        }
        int length = buffer.getInt();
        byte[] checksum = new byte[32];
        buffer.get(checksum);
        if (length != buffer.remaining()) {
            throw new CorruptEntryException(
                    "truncated: the header says " + length + " payload bytes, the file has " + buffer.remaining());
        }
        byte[] body = Arrays.copyOfRange(bytes, HEADER, bytes.length);
        if (!MessageDigest.isEqual(checksum, ModuleCache.sha256().digest(body))) {
            throw new CorruptEntryException("the payload's SHA-256 does not match the header's");
        }
        return readPayload(body, key);
    }

    private static CompiledModule readPayload(byte[] body, String key) throws CorruptEntryException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
            String storedKey = readString(in);
            if (!storedKey.equals(key)) {
                throw new CorruptEntryException("it holds the module of key " + storedKey);
            }
            CompiledModule.Kind kind = CompiledModule.Kind.valueOf(readString(in));
            String arch = readString(in);
            String compiler = readString(in);
            String log = readString(in);
            long millis = in.readLong();
            int imageLength = in.readInt();
            byte[] image = in.readNBytes(imageLength);
            if (image.length != imageLength) {
                throw new CorruptEntryException("the image has " + image.length + " of its " + imageLength + " bytes");
            }
            if (in.available() != 0) {
                throw new CorruptEntryException(in.available() + " stray bytes after the image");
            }
            return new CompiledModule(image, kind, arch, compiler, log, millis);
        } catch (IOException | IllegalArgumentException e) {
            throw new CorruptEntryException("unreadable payload: " + e.getMessage());
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException, CorruptEntryException {
        int length = in.readInt();
        if (length < 0 || length > in.available()) {
            throw new CorruptEntryException("a string of " + length + " bytes where " + in.available() + " remain");
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
