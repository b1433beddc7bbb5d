package dev.javelin.compiler.cli;

/** A user error found by a command itself, such as a malformed {@code --input NAME=PATH}. */
final class CliException extends RuntimeException {
    CliException(String message) {
        super(message);
    }
}
