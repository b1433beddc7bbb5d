package dev.javelin.llm;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.Map;

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
     * The output layer of the generation nets ({@link #prefillNet}, {@link #decodeNet}): {@link #head}
     * unless a model keeps a separate copy there (a tied head reads the token table transposed, which
     * a one-row product would repack every step; a model may read a {@code [dim, vocab]} copy
     * instead, filled by {@link #generationWeights}).
     *
     * @param h f32 {@code [..., dim]}
     * @return f32 {@code [..., vocab]}
     */
    default Tensor generationHead(Tensor h) {
        return head(h);
    }

    /**
     * The parameters of the generation nets: the model's own, and what {@link #generationHead} adds.
     *
     * @param weights the model's parameters by path
     * @return the generation nets' parameters by path (but the key/value cache)
     */
    default Map<String, NdArray> generationWeights(Map<String, NdArray> weights) {
        return weights;
    }

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
     * The hidden states of new tokens, reading and updating a key/value cache.
     *
     * @param ids the new tokens' ids, integer {@code [1, T]}
     * @param cache the cache, which says where the tokens are
     * @return f32 {@code [1, T, dim]}
     */
    Tensor hiddenCached(Tensor ids, KvCache cache);

    /**
     * A net that reads a prompt at once and fills the key/value cache: inputs {@code input_ids} (i64
     * {@code [1, prompt]}, a prompt padded to this length) and {@code position} (i64 {@code [1]}, the
     * prompt's last token), output {@code logits} (f32 {@code [1, vocab]}, after that token), state
     * parameters {@code cache.k.<layer>}, {@code cache.v.<layer>} of {@code length} positions beside
     * the model's own. The padding writes keys and values after the prompt that no query before it
     * sees and that decoding overwrites before it reads them, so one net serves every prompt up to
     * its length.
     *
     * @param prompt the (padded) prompt's length
     * @param length the cache's positions, from {@code prompt} to {@link #positions}
     * @return the traced net
     */
    default Net prefillNet(int prompt, int length) {
        check(prompt, length);
        Net net = new Net("prefill");
        register(net);
        Tensor ids = net.input("input_ids", DType.I64, 1, prompt);
        Tensor position = net.input("position", DType.I64, 1);
        Tensor h = hiddenCached(ids, new KvCache(net, length, null));
        net.output("logits", generationHead(h.gather(position, 1)).reshape(1, vocab()));
        return net;
    }

    /**
     * A net that takes one token at a position, updates the key/value cache there and attends to
     * every position up to it: inputs {@code input_ids} (i64 {@code [1, 1]}) and {@code position} (i64
     * {@code [1]}), output {@code logits} (f32 {@code [1, vocab]}), the cache's state parameters as
     * in {@link #prefillNet}.
     *
     * @param length the cache's positions, 1 to {@link #positions}
     * @return the traced net
     */
    default Net decodeNet(int length) {
        check(1, length);
        Net net = new Net("decode");
        register(net);
        Tensor ids = net.input("input_ids", DType.I64, 1, 1);
        Tensor position = net.input("position", DType.I64, 1);
        Tensor h = hiddenCached(ids, new KvCache(net, length, position));
        net.output("logits", generationHead(h).reshape(1, vocab()));
        return net;
    }

    private void check(int tokens, int length) {
        if (tokens < 1 || tokens > length || length > positions()) {
            throw new IllegalArgumentException("a cache of " + length + " positions for " + tokens
                    + " tokens does not fit a model of " + positions() + " positions");
        }
    }
}
