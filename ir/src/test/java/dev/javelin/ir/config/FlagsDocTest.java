package dev.javelin.ir.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/flags.md documents every flag, with its property, environment variable and default. */
class FlagsDocTest {

    @Test
    void everyFlagIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "flags.md"));
        for (Flag<?> f : Flags.all()) {
            String row = "| `" + f.property() + "` | `" + f.environmentVariable() + "` | `" + f.defaultValue() + "` | "
                    + f.description() + " |";
            assertTrue(doc.contains(row), "docs/flags.md lacks the row:\n" + row);
        }
    }

    @Test
    void systemPropertyWinsAndBadValuesAreNamed() {
        Flag<Boolean> f = Flag.bool("javelin.test.flag", false, "a test flag");
        assertEquals(false, f.get());
        System.setProperty("javelin.test.flag", "on");
        try {
            assertEquals(true, f.get());
            System.setProperty("javelin.test.flag", "maybe");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, f::get);
            assertEquals(
                    "setting javelin.test.flag (or JAVELIN_TEST_FLAG) = 'maybe' is not valid: expected true or false",
                    e.getMessage());
        } finally {
            System.clearProperty("javelin.test.flag");
        }
    }
}
