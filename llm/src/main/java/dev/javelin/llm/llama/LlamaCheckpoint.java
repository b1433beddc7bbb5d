package dev.javelin.llm.llama;

import dev.javelin.ir.value.NdArray;
import dev.javelin.llm.HfFolder;
import dev.javelin.llm.ModelFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A Llama-style model from a Hugging Face folder ({@code save_pretrained} of a {@code
 * LlamaForCausalLM}): {@code config.json} and {@code model.safetensors} or its shards. Weights
 * stored as f16 or bf16 are widened to f32, the projections' {@code [out, in]} weights (and an
 * untied {@code lm_head.weight}) transposed to the model's {@code [in, out]}; with tied embeddings a
 * stored {@code lm_head.weight} must be the token table.
 *
 * @param model the model, sized by the configuration
 * @param weights every parameter's value by its path, f32
 */
public record LlamaCheckpoint(Llama model, SortedMap<String, NdArray> weights) {
    /** Keeps the weights unmodifiable. */
    public LlamaCheckpoint {
        weights = Collections.unmodifiableSortedMap(new TreeMap<>(weights));
    }

    /**
     * Reads a Hugging Face Llama folder.
     *
     * @param folder the folder
     * @return the model and its weights
     * @throws ModelFileException if a file is missing or unreadable, the configuration asks for what
     *     is not supported, or the weights do not fit it (every missing, extra and mis-shaped tensor
     *     is listed)
     */
    public static LlamaCheckpoint load(Path folder) {
        Llama model = new Llama(LlamaConfig.read(folder));
        SortedMap<String, NdArray> weights = new TreeMap<>(HfFolder.tensors(folder));
        weights.keySet().removeIf(name -> name.endsWith(".rotary_emb.inv_freq"));
        if (model.config().tied()) {
            NdArray head = weights.remove("lm_head.weight");
            if (head != null && !head.equals(weights.get("model.embed_tokens.weight"))) {
                throw new ModelFileException(
                        folder + ": tie_word_embeddings is true but lm_head.weight differs from"
                                + " model.embed_tokens.weight",
                        folder.toString());
            }
        }
        weights.replaceAll((name, v) -> isProjection(name) && v.rank() == 2 ? HfFolder.transpose(v) : v);
        HfFolder.check(folder, "Llama", model.logitsNet(1), weights);
        return new LlamaCheckpoint(model, weights);
    }

    /** A projection's weight: stored {@code [out, in]} by PyTorch, {@code [in, out]} here. */
    static boolean isProjection(String name) {
        return name.endsWith("_proj.weight") || name.equals("lm_head.weight");
    }
}
