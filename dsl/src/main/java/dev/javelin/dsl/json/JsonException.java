package dev.javelin.dsl.json;

import dev.javelin.ir.IrException;

/** Text is not valid JSON, or a value cannot be written as JSON; the message names the source and position. */
public final class JsonException extends IrException {
    public JsonException(String message) {
        super(message);
    }
}
