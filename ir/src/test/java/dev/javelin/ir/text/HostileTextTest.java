package dev.javelin.ir.text;

import static dev.javelin.ir.text.MalformedTextTest.error;
import static dev.javelin.ir.text.MalformedTextTest.inGraph;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input no printer wrote: binary bytes, control characters, deep nesting, absurd sizes, endless streams. */
class HostileTextTest {

    @Test
    void deepNestingIsAPositionedErrorNotAStackOverflow() {
        String deep = "%r = reduce_sum(%x) {axes=" + "[".repeat(100_000) + "0" + "]".repeat(100_000)
                + ", keep_dims=false} : f32[]";
        assertEquals("3:93: attribute lists nesting deeper than 64 levels", inGraph(deep));
        // 64 levels are still read (and then refused for what they mean, not for their depth).
        String ok = "%r = reduce_sum(%x) {axes=" + "[".repeat(64) + "0" + "]".repeat(64) + ", keep_dims=false} : f32[]";
        assertEquals("3:30: expected a single value, found a list", inGraph(ok));
    }

    @Test
    void controlCharactersArePositionedErrors() {
        assertEquals(
                "2:3: control character U+0000 (NUL) is not allowed in IR text",
                error("graph g {\n  \0%x = input : f32[2]\n}"));
        // U+001C..U+001F count as whitespace for Character.isWhitespace; they are still refused.
        assertEquals("1:8: control character U+001F is not allowed in IR text", error("graph g\u001F{\n}"));
        assertEquals("3:16: control character U+001B is not allowed in IR text", inGraph("// a comment \u001B[31m"));
        assertEquals(
                "3:28: control character U+007F is not allowed in IR text",
                inGraph("%y = neg(%x) : f32[2] @\"A\u007F.java\":3"));
        // Never printed raw into a message.
        assertEquals(
                "3:3: expected a value name after '%', found control character U+0007",
                inGraph("%\u0007 = neg(%x) : f32[2]"));
        // Tabs and CRLF line ends are whitespace.
        Parser.parse("graph g {\r\n\t%x = input : f32[2]\r\n\toutput x = %x\r\n}\r\n", "m.ir");
    }

    @Test
    void elementCountsBeyondALongArePositionedErrors() {
        assertEquals(
                "3:18: shape [4294967296,4294967296] has more elements than a 64-bit count holds (over 2^63 - 1)",
                inGraph("%y = neg(%x) : f32[4294967296,4294967296]"));
        // Multiplied left to right as Shape.numel does: the trailing 0 comes too late.
        assertEquals(
                "3:18: shape [4294967296,4294967296,0] has more elements than a 64-bit count holds (over 2^63 - 1)",
                inGraph("%y = neg(%x) : f32[4294967296,4294967296,0]"));
        assertEquals(
                "3:21: shape [9223372036854775807,2] has more elements than a 64-bit count holds (over 2^63 - 1)",
                inGraph("%y = reshape(%x) {shape=[9223372036854775807, 2]} : f32[2]"));
    }

    @Test
    void theExcerptOfAVeryLongLineIsCut() {
        ParseException e = assertThrows(
                ParseException.class,
                () -> Parser.parse("graph g { " + "%x = input : f32[2] ".repeat(10_000) + "$ }", "m.ir"));
        assertEquals(200_011, e.column());
        String[] lines = e.getMessage().split("\n");
        assertEquals(3, lines.length, e.getMessage());
        assertTrue(lines[1].length() < 120, lines[1]);
        assertTrue(lines[1].startsWith("  ...") && lines[1].endsWith("$ }"), lines[1]);
        assertEquals(lines[1].indexOf('$'), lines[2].indexOf('^'), e.getMessage());
    }

    static String read(byte[] bytes) throws IOException {
        return TextFile.read(new ByteArrayInputStream(bytes), "m.ir", TextFile.MAX_BYTES);
    }

    static ParseException readError(byte[] bytes) {
        return assertThrows(ParseException.class, () -> read(bytes));
    }

    @Test
    void malformedUtf8NamesLineColumnAndByte() throws IOException {
        byte[] text = "graph g {\n  // ü ok\n  %x\u00E9 = input\n}".getBytes(StandardCharsets.UTF_8);
        assertEquals("graph g {\n  // ü ok\n  %x\u00E9 = input\n}", read(text));
        byte[] bad = "graph g {\n  // ü ok\n  %x\u00E9 = input\n}".getBytes(StandardCharsets.ISO_8859_1);
        ParseException e = readError(bad);
        assertEquals(
                "m.ir:2:6: malformed UTF-8: byte 0xFC at byte offset 15 (IR text must be UTF-8)\n    //\n       ^",
                e.getMessage());
        // A multi-byte sequence cut off by the end of the file.
        assertEquals(
                "malformed UTF-8: byte 0xE2 at byte offset 12 (IR text must be UTF-8)",
                readError(new byte[] {'g', 'r', 'a', 'p', 'h', ' ', 'g', ' ', '{', ' ', '}', ' ', (byte) 0xE2})
                        .detail());
    }

    @Test
    void anEndlessStreamOfZerosStopsAtTheFirstByte() {
        InputStream zeros = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                java.util.Arrays.fill(b, off, off + len, (byte) 0);
                return len;
            }
        };
        ParseException e = assertThrows(ParseException.class, () -> TextFile.read(zeros, "/dev/zero", 1 << 20));
        assertEquals("/dev/zero:1:1: control character U+0000 (NUL) is not allowed in IR text", e.getMessage());
    }

    @Test
    void anEndlessStreamOfValidTextStopsAtTheLimit() {
        InputStream spaces = new InputStream() {
            @Override
            public int read() {
                return ' ';
            }
        };
        ParseException e = assertThrows(ParseException.class, () -> TextFile.read(spaces, "fifo", 100_000));
        assertEquals("the input is longer than the 100000 bytes an IR text may have; stopped reading here", e.detail());
        assertTrue(e.column() > 1 && e.column() <= 100_001, e.getMessage());
    }

    @Test
    void aFileOverTheLimitIsRefusedByItsSize(@TempDir Path dir) throws IOException {
        Path big = dir.resolve("big.ir");
        try (var ch = java.nio.channels.FileChannel.open(
                big, java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {' '}), TextFile.MAX_BYTES); // sparse
        }
        ParseException e = assertThrows(ParseException.class, () -> Parser.parse(big));
        assertEquals(
                big + ":1:1: the file has 268435457 bytes, more than the 268435456 bytes (256 MiB) an IR text"
                        + " file may have",
                e.getMessage());
        Path ok = dir.resolve("ok.ir");
        Files.writeString(ok, "graph g {\n  %x = input : f32[2]\n  output x = %x\n}\n");
        assertEquals("g", Parser.parse(ok).name());
    }
}
