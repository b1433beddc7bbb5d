package dev.javelin.ir.graph;

import dev.javelin.ir.IrException;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.type.TensorType;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A node could not be built: its operands do not fit its op. The message names the op, the operand
 * types, the detail and the call site, e.g. {@code matmul(f32[batch,784], f32[128,10]) at
 * Mlp.java:42: matmul contraction dimensions differ: 784 vs 128}.
 */
public final class ShapeException extends IrException {
    private final transient Op op;
    private final List<TensorType> operands;
    private final SourceLoc loc;
    private final String detail;

    public ShapeException(Op op, List<TensorType> operands, SourceLoc loc, String detail) {
        super(format(op, operands, loc, detail), loc.isKnown() ? loc.toString() : null, null);
        this.op = op;
        this.operands = List.copyOf(operands);
        this.loc = loc;
        this.detail = detail;
    }

    static String format(Op op, List<TensorType> operands, SourceLoc loc, String detail) {
        String call =
                op.mnemonic() + operands.stream().map(TensorType::toString).collect(Collectors.joining(", ", "(", ")"));
        return call + (loc.isKnown() ? " at " + loc : "") + ": " + detail;
    }

    public Op op() {
        return op;
    }

    public List<TensorType> operands() {
        return operands;
    }

    public SourceLoc loc() {
        return loc;
    }

    public String detail() {
        return detail;
    }
}
