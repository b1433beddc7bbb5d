package dev.javelin.ir.op;

import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * The ops on 4-D images — convolution, pooling and their gradients — which come in either {@link
 * Layout}. Each NHWC op means exactly its NCHW twin ({@link #inNchw()}) with every 4-D operand and
 * the result permuted; that is how its type is inferred and how the reference interpreter runs it.
 */
public interface ImageOp {
    Layout layout();

    /** The same op in layout {@code to}: shape attributes (input or filter shapes) converted. */
    Op inLayout(Layout to);

    /** The same op on NCHW tensors. */
    default Op inNchw() {
        return inLayout(Layout.NCHW);
    }

    /** Infers an NHWC op through its NCHW twin: 4-D operands and the result are permuted. */
    static TensorType inferThroughNchw(ImageOp op, List<TensorType> in) {
        Layout l = op.layout();
        List<TensorType> nchw =
                in.stream().map(t -> t.withShape(l.toNchw(t.shape()))).toList();
        TensorType out;
        try {
            out = op.inNchw().infer(nchw);
        } catch (OpTypeError e) {
            throw new OpTypeError(
                    e.getMessage() + " (layout " + l.text() + ": operands " + in + " checked as NCHW " + nchw + ")");
        }
        return out.withShape(l.fromNchw(out.shape()));
    }
}
