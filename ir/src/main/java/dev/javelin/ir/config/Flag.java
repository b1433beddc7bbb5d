package dev.javelin.ir.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * One typed setting, read from a system property ({@code -Djavelin.ir.selfcheck=true}) or else an
 * environment variable ({@code JAVELIN_IR_SELFCHECK=true}), else its default. Read on each call,
 * so tests can set the property around a block.
 */
public record Flag<T>(String property, T defaultValue, String description, Function<String, T> parse) {

    /** The environment variable: the property upper-cased with dots as underscores. */
    public String environmentVariable() {
        return property.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    public T get() {
        String raw = System.getProperty(property);
        if (raw == null) {
            raw = System.getenv(environmentVariable());
        }
        if (raw == null || raw.isBlank()) {
            return defaultValue;
        }
        try {
            return parse.apply(raw.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "setting " + property + " (or " + environmentVariable() + ") = '" + raw + "' is not valid: "
                            + e.getMessage(),
                    e);
        }
    }

    static Flag<Boolean> bool(String property, boolean defaultValue, String description) {
        return new Flag<>(property, defaultValue, description, Flag::parseBool);
    }

    static Flag<String> string(String property, String defaultValue, String description) {
        return new Flag<>(property, defaultValue, description, s -> s);
    }

    private static Boolean parseBool(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }
}
