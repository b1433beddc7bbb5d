package dev.javelin.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code ./javelin} launcher's JDK search, run as a user would run it. */
class LauncherScriptTest {
    static final Path LAUNCHER = Path.of("..", "javelin").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {}

    private Result launch(String javaHome, String search, String... args) throws IOException, InterruptedException {
        var cmd = new java.util.ArrayList<String>();
        cmd.add("bash");
        cmd.add(LAUNCHER.toString());
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("JAVA_HOME", javaHome);
        pb.environment().put("JAVELIN_JDK_SEARCH", search);
        // Only the JDK search is under test here: building and running are the demo's job in CI.
        pb.environment().put("JAVELIN_DRY_RUN", "1");
        // A PATH without any JDK 25: only the system tools (and perhaps an older java).
        pb.environment().put("PATH", "/usr/bin:/bin");
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher did not finish");
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void withoutJdk25ItSaysWhatToInstallInOneSentence() throws Exception {
        Result r = launch(tmp.toString(), tmp.resolve("nothing-here") + "/*", "--version");
        assertEquals(1, r.code());
        assertEquals("", r.out());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("javelin: needs a JDK 25 or newer"), r.err());
        assertTrue(r.err().contains("install one"), r.err());
    }

    @Test
    void findsTheRunningJdkThroughJavaHome() throws Exception {
        String home = System.getProperty("java.home");
        Result r = launch(home, tmp.resolve("nothing-here") + "/*", "--version");
        assertEquals(0, r.code(), r.err());
        assertEquals("java home: " + home + "\n", r.out());
    }

    @Test
    void findsAJdkInTheSearchFolders() throws Exception {
        Path jdk = Path.of(System.getProperty("java.home"));
        Result r = launch("", jdk.getParent() + "/*", "--version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("java home: " + jdk.getParent() + "/"), r.out());
    }
}
