package dev.javelin.ir.op;

import dev.javelin.ir.IrException;

/**
 * Raised by {@link Op#infer} when operands do not fit an op. The message is only the detail (what
 * was expected, what was found); callers add the node, operand types and call site.
 */
public final class OpTypeError extends IrException {
    public OpTypeError(String detail) {
        super(detail);
    }
}
