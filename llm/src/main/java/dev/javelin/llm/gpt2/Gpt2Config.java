package dev.javelin.llm.gpt2;

import dev.javelin.llm.HfFolder;
import dev.javelin.llm.ModelFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * A GPT-2 configuration, as Hugging Face's {@code config.json} gives it ({@code GPT2Config}).
 *
 * @param vocab the vocabulary size ({@code vocab_size})
 * @param positions the longest sequence, the rows of the position table ({@code n_positions})
 * @param dim the model width ({@code n_embd})
 * @param layers the transformer blocks ({@code n_layer})
 * @param heads the attention heads ({@code n_head}), dividing {@code dim}
 * @param inner the MLP's width ({@code n_inner}, {@code 4 * dim} when null)
 * @param eps the layer norms' epsilon ({@code layer_norm_epsilon})
 * @param activation the MLP's activation ({@code activation_function}): {@code gelu_new} (the
 *     tanh approximation, GPT-2's) or {@code gelu} (exact)
 */
public record Gpt2Config(
        int vocab, int positions, int dim, int layers, int heads, int inner, double eps, String activation) {
    /** The activations the model builder knows. */
    public static final Set<String> ACTIVATIONS = Set.of("gelu_new", "gelu_pytorch_tanh", "gelu");

    /** Checks the sizes fit together. */
    public Gpt2Config {
        if (vocab < 1 || positions < 1 || dim < 1 || layers < 0 || heads < 1 || inner < 1 || !(eps > 0)) {
            throw new IllegalArgumentException("GPT-2 sizes must be positive (layers may be 0), found " + vocab
                    + " tokens, " + positions + " positions, dim " + dim + ", " + layers + " layers, " + heads
                    + " heads, inner " + inner + ", eps " + eps);
        }
        if (dim % heads != 0) {
            throw new IllegalArgumentException(
                    "GPT-2's width must divide into its heads, found dim " + dim + " and " + heads + " heads");
        }
        if (!ACTIVATIONS.contains(activation)) {
            throw new IllegalArgumentException(
                    "unknown GPT-2 activation '" + activation + "' (known: gelu_new, gelu_pytorch_tanh, gelu)");
        }
    }

    /**
     * The configuration in a Hugging Face folder's {@code config.json}.
     *
     * @param folder the model folder
     * @return the configuration
     * @throws ModelFileException if the file is unreadable, not a GPT-2 configuration, or lacks a size
     */
    public static Gpt2Config read(Path folder) {
        Map<?, ?> json = HfFolder.config(folder);
        Path file = folder.resolve("config.json");
        Object type = json.get("model_type");
        if (type != null && !"gpt2".equals(type)) {
            throw new ModelFileException(file + ": model_type is '" + type + "', not 'gpt2'", file.toString());
        }
        int dim = HfFolder.size(json, "n_embd", folder);
        try {
            return new Gpt2Config(
                    HfFolder.size(json, "vocab_size", folder),
                    HfFolder.size(json, "n_positions", folder),
                    dim,
                    HfFolder.size(json, "n_layer", folder),
                    HfFolder.size(json, "n_head", folder),
                    json.get("n_inner") == null ? 4 * dim : HfFolder.size(json, "n_inner", folder),
                    json.get("layer_norm_epsilon") instanceof Number n ? n.doubleValue() : 1e-5,
                    json.get("activation_function") instanceof String s ? s : "gelu_new");
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(file + ": " + e.getMessage(), file.toString());
        }
    }
}
