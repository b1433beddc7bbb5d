package dev.javelin.compiler.cli;

import dev.javelin.JavelinException;

/** A user error found by a command itself, such as a malformed {@code --input NAME=PATH}. */
final class CliException extends JavelinException {
    CliException(String message) {
        super(message);
    }
}
