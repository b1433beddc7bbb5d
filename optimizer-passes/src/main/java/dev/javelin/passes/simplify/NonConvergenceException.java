package dev.javelin.passes.simplify;

import dev.javelin.ir.IrException;

/** Rewrite rules kept firing past the engine's bound; the message names the rules and the node. */
public final class NonConvergenceException extends IrException {
    public NonConvergenceException(String message) {
        super(message);
    }
}
