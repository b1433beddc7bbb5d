package dev.javelin.onnx;

import dev.javelin.ir.IrException;

/**
 * An ONNX model Javelin cannot read or import: a file that is not a model, a tensor whose data is
 * missing, or a node whose op, attribute or operand the importer does not support. The message names
 * the file or the node (its name, op and opset) and says what is supported.
 */
public class OnnxException extends IrException {
    /**
     * An error with no cause.
     *
     * @param message what was expected, what was found and where
     */
    public OnnxException(String message) {
        super(message);
    }

    /**
     * An error caused by another.
     *
     * @param message what was expected, what was found and where
     * @param cause the underlying exception
     */
    public OnnxException(String message, Throwable cause) {
        super(message, cause);
    }
}
