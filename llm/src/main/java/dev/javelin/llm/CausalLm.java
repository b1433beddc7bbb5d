package dev.javelin.llm;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.ir.type.DType;

/**
 * A decoder-only language model in the DSL: ids to hidden states ({@link #hidden}), hidden states to
 * next-token logits ({@link #head}). Its nets take {@code input_ids} (i64 {@code [batch, seq]}) and
 * register the model's parameters under their checkpoint names.
 */
public interface CausalLm {
    /**
     * The hidden states of every position, after the final norm.
     *
     * @param ids token ids, integer {@code [batch, seq]} with a static {@code seq}
     * @return f32 {@code [batch, seq, dim]}
     */
    Tensor hidden(Tensor ids);

    /**
     * The next-token logits of hidden states.
     *
     * @param h f32 {@code [..., dim]}
     * @return f32 {@code [..., vocab]}
     */
    Tensor head(Tensor h);

    /**
     * The vocabulary size.
     *
     * @return the number of token ids
     */
    int vocab();

    /**
     * The longest sequence the model takes.
     *
     * @return its positions
     */
    int positions();

    /**
     * Registers the model's parameters with {@code net}.
     *
     * @param net the net being traced
     */
    void register(Net net);

    /**
     * A net of the logits of every position: input {@code input_ids} (i64 {@code [batch, seq]}),
     * output {@code logits} (f32 {@code [batch, seq, vocab]}).
     *
     * @param seq the sequence length, 1 to {@link #positions}
     * @return the traced net
     */
    default Net logitsNet(int seq) {
        Net net = new Net("logits");
        register(net);
        Tensor ids = net.input("input_ids", DType.I64, "batch", seq);
        net.output("logits", head(hidden(ids)));
        return net;
    }

    /**
     * A net for decoding: inputs {@code input_ids} (i64 {@code [1, length]}, a prefix padded to the
     * length) and {@code position} (i64 {@code [1]}), output {@code logits} (f32 {@code [1, vocab]}),
     * the logits after the token at {@code position}. Causality makes the padding after it
     * irrelevant, so one compiled net serves every step of a generation of up to {@code length}
     * tokens, and only one row goes through the output layer.
     *
     * @param length the longest sequence, 1 to {@link #positions}
     * @return the traced net
     */
    default Net nextTokenNet(int length) {
        Net net = new Net("next_token");
        register(net);
        Tensor ids = net.input("input_ids", DType.I64, 1, length);
        Tensor position = net.input("position", DType.I64, 1);
        Tensor last = hidden(ids).gather(position, 1); // [1, 1, dim]
        net.output("logits", head(last).reshape(1, vocab()));
        return net;
    }
}
