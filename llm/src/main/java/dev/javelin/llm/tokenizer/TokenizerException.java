package dev.javelin.llm.tokenizer;

import dev.javelin.JavelinException;

/** A vocabulary or merges file that cannot be read or is malformed, or an id outside the vocabulary. */
public final class TokenizerException extends JavelinException {
    /**
     * An error about {@code position} (a file and line, or null).
     *
     * @param message what was expected, what was found and where
     * @param position the file and line the error is about, or null
     */
    public TokenizerException(String message, String position) {
        super(message, position, null);
    }
}
