package dev.javelin.llm.llama;

import dev.javelin.llm.HfFolder;
import dev.javelin.llm.ModelFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Llama-style configuration, as Hugging Face's {@code config.json} gives it ({@code LlamaConfig}).
 *
 * @param vocab the vocabulary size ({@code vocab_size})
 * @param positions the longest sequence ({@code max_position_embeddings})
 * @param dim the model width ({@code hidden_size})
 * @param inner the MLP's width ({@code intermediate_size})
 * @param layers the decoder layers ({@code num_hidden_layers})
 * @param heads the query heads ({@code num_attention_heads})
 * @param kvHeads the key and value heads ({@code num_key_value_heads}), dividing {@code heads}:
 *     grouped-query attention when fewer
 * @param headDim each head's width ({@code head_dim}, {@code dim / heads} when absent), even
 * @param eps the RMS norms' epsilon ({@code rms_norm_eps})
 * @param ropeTheta the rotary embeddings' base ({@code rope_theta})
 * @param tied whether the output layer is the token table ({@code tie_word_embeddings})
 */
public record LlamaConfig(
        int vocab,
        int positions,
        int dim,
        int inner,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        double eps,
        double ropeTheta,
        boolean tied) {
    /** Checks the sizes fit together. */
    public LlamaConfig {
        if (vocab < 1
                || positions < 1
                || dim < 1
                || inner < 1
                || layers < 0
                || heads < 1
                || kvHeads < 1
                || headDim < 2
                || !(eps > 0)
                || !(ropeTheta > 0)) {
            throw new IllegalArgumentException("Llama sizes must be positive (layers may be 0), found " + vocab
                    + " tokens, " + positions + " positions, dim " + dim + ", inner " + inner + ", " + layers
                    + " layers, " + heads + " heads, " + kvHeads + " key/value heads, head dim " + headDim
                    + ", eps " + eps + ", rope theta " + ropeTheta);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("Llama's query heads must be a multiple of its key/value heads, found "
                    + heads + " and " + kvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary embeddings need an even head dim, found " + headDim);
        }
    }

    /**
     * The configuration in a Hugging Face folder's {@code config.json}. Rotary scaling other than
     * the default ({@code rope_scaling} / {@code rope_parameters.rope_type}) and biases on the
     * projections are refused, as are activations other than SiLU.
     *
     * @param folder the model folder
     * @return the configuration
     * @throws ModelFileException if the file is missing, not a Llama configuration, or lacks a size
     */
    public static LlamaConfig read(Path folder) {
        Map<?, ?> json = HfFolder.config(folder);
        Path file = folder.resolve("config.json");
        Object type = json.get("model_type");
        if (type != null && !"llama".equals(type)) {
            throw new ModelFileException(file + ": model_type is '" + type + "', not 'llama'", file.toString());
        }
        double theta = 10000;
        String rope = "default";
        if (json.get("rope_parameters") instanceof Map<?, ?> p) {
            theta = p.get("rope_theta") instanceof Number n ? n.doubleValue() : theta;
            rope = p.get("rope_type") instanceof String s ? s : rope;
        }
        if (json.get("rope_theta") instanceof Number n) {
            theta = n.doubleValue();
        }
        if (json.get("rope_scaling") instanceof Map<?, ?> sc) {
            rope = sc.get("rope_type") instanceof String s ? s : sc.get("type") instanceof String t ? t : "scaled";
        }
        refuse(!rope.equals("default"), file, "rotary scaling '" + rope + "' is not supported yet (only the default)");
        refuse(
                Boolean.TRUE.equals(json.get("attention_bias")) || Boolean.TRUE.equals(json.get("mlp_bias")),
                file,
                "biases on the projections (attention_bias, mlp_bias) are not supported yet");
        Object act = json.get("hidden_act");
        refuse(act != null && !"silu".equals(act), file, "hidden_act '" + act + "' is not supported (only silu)");
        int dim = HfFolder.size(json, "hidden_size", folder);
        int heads = HfFolder.size(json, "num_attention_heads", folder);
        try {
            return new LlamaConfig(
                    HfFolder.size(json, "vocab_size", folder),
                    HfFolder.size(json, "max_position_embeddings", folder),
                    dim,
                    HfFolder.size(json, "intermediate_size", folder),
                    HfFolder.size(json, "num_hidden_layers", folder),
                    heads,
                    json.get("num_key_value_heads") == null
                            ? heads
                            : HfFolder.size(json, "num_key_value_heads", folder),
                    json.get("head_dim") == null ? dim / Math.max(1, heads) : HfFolder.size(json, "head_dim", folder),
                    json.get("rms_norm_eps") instanceof Number n ? n.doubleValue() : 1e-6,
                    theta,
                    Boolean.TRUE.equals(json.get("tie_word_embeddings")));
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file + ": " + e.getMessage(), file.toString());
        }
    }

    private static void refuse(boolean bad, Path file, String why) {
        if (bad) {
            throw new ModelFileException(file + ": " + why, file.toString());
        }
    }
}
