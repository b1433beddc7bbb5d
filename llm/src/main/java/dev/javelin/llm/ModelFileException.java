package dev.javelin.llm;

import dev.javelin.JavelinException;

/** A model folder, configuration or checkpoint that is missing or does not fit the model. */
public final class ModelFileException extends JavelinException {
    /**
     * An error about {@code position} (a file, or null).
     *
     * @param message what was expected, what was found and where
     * @param position the file the error is about, or null
     */
    public ModelFileException(String message, String position) {
        super(message, position, null);
    }
}
