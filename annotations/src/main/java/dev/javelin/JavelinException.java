package dev.javelin;

import java.util.Optional;

/**
 * The root of every error Javelin reports about a user's model, file, data or machine: the IR's and
 * the DSL's, the passes', the code generators' and both runtimes', CUDA's included. Messages say
 * what was expected, what was found and where, so a caller can show {@link #getMessage()} as it is
 * (the CLI prints it without a stack trace); anything else escaping Javelin is a bug.
 *
 * <p>{@link #position()} is the place in the user's input the error is about, when there is one: a
 * DSL line ({@code TransformerBlock.java:38}, with {@code (backward)} for a gradient node), an IR
 * text position ({@code model.ir:12:5}) or a plan line ({@code step.plan:7}). The message already
 * names it; the accessor is for tools that point at it.
 *
 * <p>It lives in the {@code annotations} module, the one Javelin module every other one (and a
 * deployed model's {@code runtime}) may depend on.
 */
public class JavelinException extends RuntimeException {
    /**
     * The place in the user's input the error is about, or null; see {@link #position()}.
     */
    private final String position;

    /**
     * An error with no position and no cause.
     *
     * @param message what was expected, what was found and where
     */
    public JavelinException(String message) {
        this(message, null, null);
    }

    /**
     * An error with no position, caused by another.
     *
     * @param message what was expected, what was found and where
     * @param cause the underlying exception, or null
     */
    public JavelinException(String message, Throwable cause) {
        this(message, null, cause);
    }

    /**
     * An error about {@code position} (null or blank: none).
     *
     * @param message what was expected, what was found and where
     * @param position the place in the user's input, such as {@code Model.java:38}
     * @param cause the underlying exception, or null
     */
    public JavelinException(String message, String position, Throwable cause) {
        super(message, cause);
        this.position = position == null || position.isBlank() ? null : position;
    }

    /**
     * Where in the user's model or file the error is, when it is about one place.
     *
     * @return the position, or empty when the error is not about one place
     */
    public Optional<String> position() {
        return Optional.ofNullable(position);
    }
}
