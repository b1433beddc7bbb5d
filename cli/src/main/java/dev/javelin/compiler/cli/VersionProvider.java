package dev.javelin.compiler.cli;

import dev.javelin.compiler.Version;
import picocli.CommandLine;

/** {@code javelin --version}: Javelin's version and the JVM running it. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "javelin " + Version.javelin(),
            "JVM: " + System.getProperty("java.vm.name") + " " + Runtime.version() + " ("
                    + System.getProperty("java.home") + ")"
        };
    }
}
