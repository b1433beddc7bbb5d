package dev.javelin.ir.op;

import dev.javelin.ir.type.TensorType;
import java.util.List;

/**
 * The closed set of graph primitives. Each op is an immutable record of its attributes; its
 * operands are the node's inputs. {@link #infer} is the single definition of an op's typing rule:
 * the graph builder calls it when a node is made and the verifier calls it again on every node.
 *
 * <p>Composite operations (softmax, layer norm, GELU, cross-entropy, ...) are not ops: they are
 * decompositions into these primitives, written once in the DSL.
 */
public sealed interface Op
        permits Unary,
                Binary,
                Select,
                Cast,
                Reduce,
                ArgMax,
                Reshape,
                Permute,
                Broadcast,
                Slice,
                Pad,
                Concat,
                MatMul,
                Conv2d,
                Pool2d,
                Conv2dBackpropInput,
                Conv2dBackpropFilter,
                Pool2dBackprop,
                Gather,
                ScatterAdd,
                Iota,
                RandomOp,
                Input,
                Parameter,
                Constant,
                Assign {

    /** The op's name in the text form and in messages, e.g. {@code add}, {@code matmul}. */
    String mnemonic();

    /**
     * The result type for these operand types.
     *
     * @throws OpTypeError saying what was expected and what was found
     */
    TensorType infer(List<TensorType> operands);

    /** Every op name of the text form, for parsers and error messages (from {@link OpSchema#all()}). */
    static List<String> mnemonics() {
        return OpSchema.all().stream().flatMap(s -> s.mnemonics().stream()).toList();
    }
}
