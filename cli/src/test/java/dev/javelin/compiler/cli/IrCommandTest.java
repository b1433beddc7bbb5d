package dev.javelin.compiler.cli;

import static dev.javelin.compiler.testing.Cli.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.javelin.compiler.testing.Cli.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code javelin ir} on files no printer wrote: wrong encodings, devices, absurd sizes, deep nesting. */
class IrCommandTest {
    @TempDir
    Path tmp;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = tmp.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    @Test
    void aNonUtf8FileNamesTheFileLineColumnAndByte() throws IOException {
        Path latin1 = write("latin1.ir", "graph g {\n  // Größe\n}\n".getBytes(StandardCharsets.ISO_8859_1));
        Run r = run("ir", "verify", latin1.toString());
        assertEquals(1, r.code());
        assertEquals(
                "javelin: " + latin1 + ":2:8: malformed UTF-8: byte 0xF6 at byte offset 17 (IR text must be UTF-8)\n"
                        + "    // Gr\n"
                        + "         ^\n",
                r.err());
    }

    @Test
    void aNulByteIsAPositionedError() throws IOException {
        Path nul = write("nul.ir", "graph g {\n  %x = input : f32[2]\0\n}\n".getBytes(StandardCharsets.UTF_8));
        Run r = run("ir", "print", nul.toString());
        assertEquals(1, r.code());
        assertTrue(
                r.err()
                        .startsWith("javelin: " + nul
                                + ":2:22: control character U+0000 (NUL) is not allowed in IR text\n"),
                r.err());
    }

    @Test
    void aFolderOrAByteOrderMarkIsNamed() throws IOException {
        Run folder = run("ir", "verify", tmp.toString());
        assertEquals(1, folder.code());
        assertTrue(
                folder.err().startsWith("javelin: " + tmp + ":1:1: this is a folder, not an IR text file"),
                folder.err());
        Path bom = write("bom.ir", "\uFEFFgraph g {\n}\n".getBytes(StandardCharsets.UTF_8));
        Run r = run("ir", "verify", bom.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("U+FEFF (an invisible character: a byte-order mark)"), r.err());
    }

    @Test
    void devZeroFailsAtItsFirstByte() {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "no /dev/zero on this system");
        Run r = run("ir", "verify", "/dev/zero");
        assertEquals(1, r.code());
        assertEquals("javelin: /dev/zero:1:1: control character U+0000 (NUL) is not allowed in IR text\n", r.err());
    }

    @Test
    void deepNestingIsAPositionedError() throws IOException {
        Path deep = write(
                "deep.ir",
                ("graph g {\n  %x = input : f32[2]\n  %r = reduce_sum(%x) {axes=" + "[".repeat(100_000) + "\n}\n")
                        .getBytes(StandardCharsets.UTF_8));
        Run r = run("ir", "verify", deep.toString());
        assertEquals(1, r.code());
        assertTrue(
                r.err().startsWith("javelin: " + deep + ":3:93: attribute lists nesting deeper than 64 levels\n"),
                r.err());
    }

    @Test
    void aTeraElementConstantIsRefusedByItsSizeNotAnOutOfMemoryError() throws IOException {
        Path big = write(
                "big.ir",
                "graph g {\n  %c = constant {values=[1.0]} : f32[1000000,1000000]\n  output c = %c\n}\n"
                        .getBytes(StandardCharsets.UTF_8));
        Run r = run("ir", "run", big.toString(), "--out", tmp.resolve("out").toString());
        assertEquals(1, r.code());
        assertTrue(
                r.err()
                        .startsWith("javelin: node %c (constant): its value f32[1000000,1000000] needs 8000000000000"
                                + " bytes (7.3 TiB: 1000000000000 elements of 8 bytes, as the interpreter holds every"
                                + " dtype), but only "),
                r.err());
        assertTrue(r.err().endsWith(", raise the JVM's -Xmx, e.g. JAVA_OPTS=-Xmx8g for ./javelin)\n"), r.err());
        assertTrue(Files.notExists(tmp.resolve("out")), "nothing written");
    }

    @Test
    void aGigaElementTensorIsRefusedByItsSize() throws IOException {
        Path big = write(
                "iota.ir",
                "graph g {\n  %i = iota {axis=0} : f32[1000000000,8]\n  output i = %i\n}\n"
                        .getBytes(StandardCharsets.UTF_8));
        Run r = run("ir", "run", big.toString(), "--out", tmp.resolve("out").toString());
        assertEquals(1, r.code());
        assertTrue(
                r.err()
                        .startsWith("javelin: node %i (iota): its value f32[1000000000,8] needs 64000000000 bytes"
                                + " (59.6 GiB: 8000000000 elements"),
                r.err());
    }

    @Test
    void anOverflowingShapeIsAPositionedError() throws IOException {
        Path big = write(
                "overflow.ir",
                "graph g {\n  %x = input : f32[9223372036854775807,2]\n}\n".getBytes(StandardCharsets.UTF_8));
        Run r = run("ir", "verify", big.toString());
        assertEquals(1, r.code());
        assertTrue(
                r.err()
                        .startsWith("javelin: " + big + ":2:16: shape [9223372036854775807,2] has more elements than a"
                                + " 64-bit count holds (over 2^63 - 1)\n"),
                r.err());
    }
}
