package dev.javelin.llm.llama;

import dev.javelin.dsl.F;
import dev.javelin.dsl.Module;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;
import dev.javelin.dsl.nn.Embedding;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.llm.CausalLm;
import dev.javelin.llm.KvCache;
import dev.javelin.llm.TiedHead;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Llama-style decoder ({@code LlamaForCausalLM}) in the DSL: token embeddings, pre-norm layers of
 * RMSNorm, causal self-attention with rotary position embeddings and grouped-query heads, and a
 * SwiGLU MLP, a final RMSNorm and an output layer (or the token table, when tied). Parameters carry
 * Hugging Face's names ({@code model.layers.0.self_attn.q_proj.weight}); the projections' weights are
 * {@code [in, out]}, PyTorch's {@code Linear} layout transposed ({@link LlamaCheckpoint} transposes
 * them on load).
 */
public final class Llama extends Module implements CausalLm {
    private final LlamaConfig config;
    final Decoder model;
    final Proj lm_head;

    /**
     * A model of this configuration, initialized as Hugging Face does (N(0, 0.02) weights, unit norms).
     *
     * @param config the sizes
     */
    public Llama(LlamaConfig config) {
        this.config = config;
        this.model = new Decoder(config);
        this.lm_head = config.tied() ? null : new Proj(config.dim(), config.vocab());
    }

    /**
     * Its configuration.
     *
     * @return the sizes
     */
    public LlamaConfig config() {
        return config;
    }

    /**
     * The next-token logits of every position.
     *
     * @param ids token ids, integer {@code [batch, seq]} with a static {@code seq} of at most {@code
     *     positions}
     * @return logits, f32 {@code [batch, seq, vocab]}
     */
    @Override
    public Tensor forward(Tensor ids) {
        return head(hidden(ids));
    }

    @Override
    public Tensor hidden(Tensor ids) {
        return model.forward(ids);
    }

    @Override
    public Tensor hiddenCached(Tensor ids, KvCache cache) {
        return model.forwardCached(ids, cache);
    }

    /** The output layer, or the token table when tied. */
    @Override
    public Tensor head(Tensor h) {
        return lm_head != null
                ? lm_head.forward(h)
                : h.matmul(model.embed_tokens.weight().on(h.net()).transpose(0, 1));
    }

    @Override
    public Tensor generationHead(Tensor h) {
        return lm_head != null ? head(h) : TiedHead.logits(h, config.dim(), config.vocab());
    }

    @Override
    public Map<String, NdArray> generationWeights(Map<String, NdArray> weights) {
        return lm_head != null ? weights : TiedHead.with(weights, "model.embed_tokens.weight");
    }

    @Override
    public int vocab() {
        return config.vocab();
    }

    @Override
    public int positions() {
        return config.positions();
    }

    @Override
    public void register(Net net) {
        net.module(this);
    }

    /** The part Hugging Face calls {@code model}: embeddings, layers, final norm. */
    static final class Decoder extends Module {
        final Embedding embed_tokens;
        final List<Layer> layers = new ArrayList<>();
        final RmsNorm norm;
        private final LlamaConfig config;

        Decoder(LlamaConfig c) {
            config = c;
            embed_tokens = new Embedding(c.vocab(), c.dim(), Initializer.normal(0, 0.02));
            for (int i = 0; i < c.layers(); i++) {
                layers.add(new Layer(c));
            }
            norm = new RmsNorm(c.dim(), c.eps());
        }

        @Override
        public Tensor forward(Tensor ids) {
            if (ids.rank() != 2
                    || !ids.dtype().isInteger()
                    || !ids.shape().dim(1).isStatic()) {
                throw new IllegalArgumentException(
                        "Llama expects integer ids [batch, seq] with a fixed seq, found " + ids.type());
            }
            int seq = (int) ids.shape().dim(1).size();
            if (seq < 1 || seq > config.positions()) {
                throw new IllegalArgumentException(
                        "Llama with " + config.positions() + " positions cannot take a sequence of " + seq + " tokens");
            }
            Rotary rope = Rotary.of(ids.net(), config, seq);
            Tensor mask = KvCache.causal(ids.net(), seq, seq);
            Tensor x = embed_tokens.forward(ids);
            for (Layer l : layers) {
                x = l.forward(x, rope, mask);
            }
            return norm.forward(x);
        }

        Tensor forwardCached(Tensor ids, KvCache cache) {
            int t = (int) ids.shape().dim(1).size();
            Rotary all = Rotary.of(ids.net(), config, cache.length());
            Rotary rope = cache.start() == null
                    ? new Rotary(all.cos().slice(0, 0, t, 1), all.sin().slice(0, 0, t, 1))
                    : new Rotary(all.cos().gather(cache.start(), 0), all.sin().gather(cache.start(), 0));
            Tensor mask = cache.mask(t);
            Tensor x = embed_tokens.forward(ids);
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                Tensor h = x.add(l.self_attn.forwardCached(l.input_layernorm.forward(x), rope, mask, cache, i));
                x = h.add(l.mlp.forward(l.post_attention_layernorm.forward(h)));
            }
            return norm.forward(x);
        }
    }

    /**
     * The rotary tables {@code [seq, headDim]}: the angle of position p and pair i is {@code p /
     * theta^(2i/headDim)}, each half of a head's lanes rotated with the other (Hugging Face's {@code
     * rotate_half}); computed in f32 as {@code transformers} computes them.
     */
    record Rotary(Tensor cos, Tensor sin) {
        static Rotary of(Net net, LlamaConfig c, int seq) {
            int hd = c.headDim();
            double[] cos = new double[seq * hd];
            double[] sin = new double[seq * hd];
            for (int i = 0; i < hd / 2; i++) {
                float inv = 1f / (float) Math.pow(c.ropeTheta(), (float) (2 * i) / (float) hd);
                for (int p = 0; p < seq; p++) {
                    float angle = (float) p * inv;
                    cos[p * hd + i] = cos[p * hd + i + hd / 2] = (float) Math.cos(angle);
                    sin[p * hd + i] = sin[p * hd + i + hd / 2] = (float) Math.sin(angle);
                }
            }
            TensorType t = TensorType.of(DType.F32, seq, hd);
            return new Rotary(net.constant(t, cos), net.constant(t, sin));
        }

        /** {@code x * cos + rotate_half(x) * sin} for heads {@code [batch, heads, seq, headDim]}. */
        Tensor apply(Tensor x) {
            long hd = x.shape().dim(3).size();
            Tensor first = x.slice(3, 0, hd / 2, 1);
            Tensor second = x.slice(3, hd / 2, hd, 1);
            Tensor rotated = Tensor.concat(3, second.neg(), first);
            return x.mul(cos).add(rotated.mul(sin));
        }
    }

    /** One layer: {@code x + self_attn(input_layernorm(x))}, then {@code + mlp(post_attention_layernorm(.))}. */
    static final class Layer extends Module {
        final RmsNorm input_layernorm;
        final SelfAttention self_attn;
        final RmsNorm post_attention_layernorm;
        final Mlp mlp;

        private final LlamaConfig config;

        Layer(LlamaConfig c) {
            config = c;
            input_layernorm = new RmsNorm(c.dim(), c.eps());
            self_attn = new SelfAttention(c);
            post_attention_layernorm = new RmsNorm(c.dim(), c.eps());
            mlp = new Mlp(c);
        }

        /** The layer on a whole sequence {@code [batch, seq, dim]} from position 0, causally masked. */
        @Override
        public Tensor forward(Tensor x) {
            int seq = (int) x.shape().dim(1).size();
            return forward(x, Rotary.of(x.net(), config, seq), KvCache.causal(x.net(), seq, seq));
        }

        Tensor forward(Tensor x, Rotary rope, Tensor mask) {
            Tensor h = x.add(self_attn.forward(input_layernorm.forward(x), rope, mask));
            return h.add(mlp.forward(post_attention_layernorm.forward(h)));
        }
    }

    /** Causal self-attention, rotary q and k, each key/value head shared by {@code heads / kvHeads} query heads. */
    static final class SelfAttention extends Module {
        final Proj q_proj;
        final Proj k_proj;
        final Proj v_proj;
        final Proj o_proj;
        private final int heads;
        private final int kvHeads;
        private final int hd;
        private final LlamaConfig config;

        SelfAttention(LlamaConfig c) {
            config = c;
            heads = c.heads();
            kvHeads = c.kvHeads();
            hd = c.headDim();
            q_proj = new Proj(c.dim(), (long) heads * hd);
            k_proj = new Proj(c.dim(), (long) kvHeads * hd);
            v_proj = new Proj(c.dim(), (long) kvHeads * hd);
            o_proj = new Proj((long) heads * hd, c.dim());
        }

        /** Causal self-attention over a whole sequence {@code [batch, seq, dim]} from position 0. */
        @Override
        public Tensor forward(Tensor x) {
            int seq = (int) x.shape().dim(1).size();
            return forward(x, Rotary.of(x.net(), config, seq), KvCache.causal(x.net(), seq, seq));
        }

        Tensor forward(Tensor x, Rotary rope, Tensor mask) {
            return attend(x, rope, mask, null, 0);
        }

        /** Attention of new tokens over the cache, which gets their (rotated) keys and values first. */
        Tensor forwardCached(Tensor x, Rotary rope, Tensor mask, KvCache cache, int layer) {
            return attend(x, rope, mask, cache, layer);
        }

        private Tensor attend(Tensor x, Rotary rope, Tensor mask, KvCache cache, int layer) {
            Dim batch = x.shape().dim(0);
            long seq = x.shape().dim(1).size();
            Tensor q = rope.apply(heads(q_proj.forward(x), batch, seq, heads));
            Tensor k = rope.apply(heads(k_proj.forward(x), batch, seq, kvHeads));
            Tensor v = heads(v_proj.forward(x), batch, seq, kvHeads);
            if (cache != null) {
                k = cache.write("k", layer, k);
                v = cache.write("v", layer, v);
            }
            long keys = k.shape().dim(2).size();
            k = shared(k, batch, keys);
            v = shared(v, batch, keys);
            Tensor scores = q.matmul(k.transpose(-1, -2)).div(Math.sqrt(hd)).add(mask);
            Tensor out = F.softmax(scores, -1).matmul(v); // [batch, heads, seq, hd]
            return o_proj.forward(out.permute(0, 2, 1, 3).reshape(batch, seq, (long) heads * hd));
        }

        private Tensor heads(Tensor t, Dim batch, long seq, int n) {
            return t.reshape(batch, seq, (long) n, (long) hd).permute(0, 2, 1, 3);
        }

        /** Key/value heads {@code [batch, kvHeads, seq, hd]} repeated for their query heads, in order. */
        private Tensor shared(Tensor t, Dim batch, long seq) {
            if (kvHeads == heads) {
                return t;
            }
            long rep = heads / kvHeads;
            Tensor wide = t.reshape(batch, (long) kvHeads, 1L, seq, (long) hd)
                    .broadcastTo(Shape.dims(batch, (long) kvHeads, rep, seq, (long) hd));
            return wide.reshape(batch, (long) heads, seq, (long) hd);
        }
    }

    /** SwiGLU: {@code down_proj(silu(gate_proj(x)) * up_proj(x))}. */
    static final class Mlp extends Module {
        final Proj gate_proj;
        final Proj up_proj;
        final Proj down_proj;

        Mlp(LlamaConfig c) {
            gate_proj = new Proj(c.dim(), c.inner());
            up_proj = new Proj(c.dim(), c.inner());
            down_proj = new Proj(c.inner(), c.dim());
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor g = gate_proj.forward(x);
            return down_proj.forward(g.mul(g.sigmoid()).mul(up_proj.forward(x)));
        }
    }

    /** RMSNorm: {@code x / sqrt(mean(x^2) + eps) * weight} over the last axis. */
    static final class RmsNorm extends Module {
        final Param weight;
        private final double eps;

        RmsNorm(long dim, double eps) {
            this.weight = Param.of(Initializer.ones(), dim);
            this.eps = eps;
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor ms = x.mul(x).mean(true, -1);
            return x.mul(ms.add(eps).rsqrt()).mul(weight.on(x.net()));
        }
    }

    /**
     * A projection without a bias, {@code y = x · weight}, its weight {@code [in, out]}: PyTorch's
     * {@code Linear} weight transposed ({@link LlamaCheckpoint} transposes Hugging Face's {@code [out,
     * in]} on load), so a one-row product streams it row by row instead of repacking it per call.
     */
    static final class Proj extends Module {
        final Param weight;

        Proj(long in, long out) {
            this.weight = Param.of(Initializer.normal(0, 0.02), in, out);
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.matmul(weight.on(x.net()));
        }
    }
}
