package dev.javelin.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./javelin} launcher's build and its stderr, run as a user runs it, in a copy of the
 * launcher beside a stand-in JDK and Maven (scripts that record what they were asked to do), so the
 * test sees exactly what the launcher does around them.
 */
class LauncherBuildTest {
    @TempDir
    Path tmp;

    /** A copy of the launcher and its JDK search, a stand-in JDK 25 whose java runs {@code javaBody}. */
    private Path root(String javaBody) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("javelin"));
        Files.createDirectories(root.resolve("scripts"));
        Files.copy(LauncherScriptTest.LAUNCHER, root.resolve("javelin"));
        Files.copy(
                LauncherScriptTest.LAUNCHER.resolveSibling("scripts/find-jdk.sh"), root.resolve("scripts/find-jdk.sh"));
        Path bin = Files.createDirectories(tmp.resolve("jdk/bin"));
        script(bin.resolve("javac"), "exit 0");
        script(bin.resolve("java"), """
                case "$*" in *-XshowSettings:properties*) echo '    java.specification.version = 25' >&2; exit 0;; esac
                """ + javaBody);
        return root;
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Process start(Path root, Path extraPath, Path err) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("javelin").toString(), "--version");
        pb.environment().put("JAVA_HOME", tmp.resolve("jdk").toString());
        pb.environment().put("PATH", (extraPath == null ? "" : extraPath + ":") + "/usr/bin:/bin");
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        return pb.start();
    }

    @Test
    void everyByteOfTheProgramsStderrPassesButTheIncubatorWarning() throws Exception {
        Path root = root("""
                printf 'WARNING: Using incubator modules: jdk.incubator.vector\\n' >&2
                printf 'javelin: x.ir:1:5: unexpected byte \\000 here\\n' >&2
                exit 3
                """);
        Files.createDirectories(root.resolve("cli/target"));
        Files.writeString(root.resolve("cli/target/javelin-cli.jar"), "");
        Files.writeString(root.resolve("cli/target/javelin-cli.stamp"), ""); // fresh: no build
        Path err = tmp.resolve("err");
        Process p = start(root, null, err);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(3, p.exitValue(), "the program's exit status");
        assertArrayEquals(
                "javelin: x.ir:1:5: unexpected byte \0 here\n".getBytes(StandardCharsets.ISO_8859_1),
                Files.readAllBytes(err),
                Files.readString(err, StandardCharsets.ISO_8859_1));
    }

    @Test
    void twoFirstRunsAtOnceBuildOnceOneAfterTheOther() throws Exception {
        Path root = root("exit 0");
        Path mvnBin = Files.createDirectories(tmp.resolve("mvn-bin"));
        Path log = tmp.resolve("builds.log");
        // A build that takes a second and notices when another runs at the same time.
        script(mvnBin.resolve("mvn"), """
                log=%s
                if ! mkdir "$log.running" 2>/dev/null; then echo overlap >> "$log"; fi
                echo start >> "$log"
                sleep 1
                mkdir -p cli/target && : > cli/target/javelin-cli.jar
                rmdir "$log.running" 2>/dev/null
                echo end >> "$log"
                """.formatted(log));
        Process a = start(root, mvnBin, tmp.resolve("err-a"));
        Process b = start(root, mvnBin, tmp.resolve("err-b"));
        assertTrue(a.waitFor(60, TimeUnit.SECONDS) && b.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, a.exitValue(), Files.readString(tmp.resolve("err-a")));
        assertEquals(0, b.exitValue(), Files.readString(tmp.resolve("err-b")));
        assertEquals(List.of("start", "end"), Files.readAllLines(log), "one build; the other launcher waited for it");
    }
}
