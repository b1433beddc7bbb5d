package dev.javelin.ir.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads an IR text file as strict UTF-8 with a size limit. A malformed byte or a control character
 * is a {@link ParseException} at its line and column (and byte offset), found while streaming, so
 * a binary file or a device such as {@code /dev/zero} fails at its first bad byte; input longer
 * than {@link #MAX_BYTES} is refused instead of filling the heap.
 */
public final class TextFile {
    /** 256 MiB: far above any model's IR text (a 10M-weight constant prints to about 120 MB). */
    public static final long MAX_BYTES = 256L << 20;

    private static final int CHUNK = 1 << 16;

    private final String source;
    private final StringBuilder text = new StringBuilder();
    private int line = 1;
    private int lineStart;

    private TextFile(String source) {
        this.source = source;
    }

    /** The text of {@code file}; its name prefixes error positions. */
    public static String read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new ParseException(file.toString(), "", 1, 1, "this is a folder, not an IR text file");
        }
        if (Files.isRegularFile(file) && Files.size(file) > MAX_BYTES) {
            throw new ParseException(
                    file.toString(),
                    "",
                    1,
                    1,
                    "the file has " + Files.size(file) + " bytes, more than the " + limitText(MAX_BYTES)
                            + " an IR text file may have");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), MAX_BYTES);
        }
    }

    /** The text of {@code in}, read to its end or refused past {@code limit} bytes. */
    static String read(InputStream in, String source, long limit) throws IOException {
        return new TextFile(source).decode(Channels.newChannel(in), limit);
    }

    private String decode(ReadableByteChannel in, long limit) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK);
        CharBuffer chars = CharBuffer.allocate(CHUNK);
        long base = 0; // offset in the input of bytes[0]
        boolean eof = false;
        CoderResult r = CoderResult.UNDERFLOW;
        while (true) {
            if (r.isUnderflow() && !eof) {
                eof = in.read(bytes) < 0;
                if (base + bytes.position() > limit) {
                    throw error("the input is longer than the " + limitText(limit)
                            + " an IR text may have; stopped reading here");
                }
            }
            bytes.flip();
            r = decoder.decode(bytes, chars, eof);
            append(chars);
            if (r.isError()) {
                throw malformed(bytes, base + bytes.position(), r.length());
            }
            base += bytes.position();
            bytes.compact();
            if (eof && r.isUnderflow()) {
                break;
            }
        }
        decoder.flush(chars);
        append(chars);
        return text.toString();
    }

    /** Moves decoded characters to the text, keeping the position and refusing control characters. */
    private void append(CharBuffer chars) {
        chars.flip();
        while (chars.hasRemaining()) {
            char c = chars.get();
            if (Lexer.isForbidden(c)) {
                throw error(Lexer.forbiddenDetail(c));
            }
            text.append(c);
            if (c == '\n') {
                line++;
                lineStart = text.length();
            }
        }
        chars.clear();
    }

    private ParseException malformed(ByteBuffer bytes, long offset, int length) {
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < length; i++) {
            hex.append(i > 0 ? " " : "").append(String.format("0x%02X", bytes.get(bytes.position() + i) & 0xFF));
        }
        return error("malformed UTF-8: " + (length == 1 ? "byte " : "bytes ") + hex + " at byte offset " + offset
                + " (IR text must be UTF-8)");
    }

    /** An error at the character after the last one decoded. */
    private ParseException error(String detail) {
        return new ParseException(source, text, line, text.length() - lineStart + 1, detail);
    }

    private static String limitText(long limit) {
        return limit % (1 << 20) == 0 ? limit + " bytes (" + (limit >> 20) + " MiB)" : limit + " bytes";
    }
}
