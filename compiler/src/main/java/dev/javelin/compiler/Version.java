package dev.javelin.compiler;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version the build stamped into {@code version.properties}, and the JVM running it. */
public final class Version {
    private Version() {}

    /**
     * Javelin's version, e.g. {@code 0.1.0-SNAPSHOT}.
     *
     * @return the version, or {@code unknown} when the build did not stamp one
     */
    public static String javelin() {
        try (InputStream in = Version.class.getResourceAsStream("/dev/javelin/compiler/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * One line naming the version, JVM, machine and time, for the head of reports.
     *
     * @return the line
     */
    public static String describe() {
        return "javelin " + javelin() + " on " + System.getProperty("java.vm.name") + " " + Runtime.version()
                + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " processors, "
                + java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }
}
