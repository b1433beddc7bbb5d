package dev.javelin.ir.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWriteTest {
    @TempDir
    Path dir;

    @Test
    void outputsGetTheUmasksPermissionsLikeAnyNewFile() throws Exception {
        Path plain = Files.createFile(dir.resolve("plain"));
        Path written = dir.resolve("report.json");
        AtomicWrite.write(written, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(written));
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
        AtomicWrite.write(written, new byte[] {4});
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(written));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(
                    List.of("plain", "report.json"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
