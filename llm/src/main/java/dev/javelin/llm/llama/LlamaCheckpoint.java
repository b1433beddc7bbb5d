package dev.javelin.llm.llama;

import dev.javelin.ir.value.NdArray;
import dev.javelin.llm.HfFolder;
import dev.javelin.llm.ModelFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * Saves as a Hugging Face {@code LlamaForCausalLM} folder ({@code config.json}, {@code
     * model.safetensors}, the projections back in PyTorch's {@code [out, in]}), which {@link #load}
     * and {@code transformers}' {@code from_pretrained} read.
     *
     * @param folder the folder to write
     * @throws ModelFileException if it cannot be written
     */
    public void save(Path folder) {
        LlamaConfig c = model.config();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model_type", "llama");
        json.put("architectures", List.of("LlamaForCausalLM"));
        json.put("vocab_size", c.vocab());
        json.put("max_position_embeddings", c.positions());
        json.put("hidden_size", c.dim());
        json.put("intermediate_size", c.inner());
        json.put("num_hidden_layers", c.layers());
        json.put("num_attention_heads", c.heads());
        json.put("num_key_value_heads", c.kvHeads());
        json.put("head_dim", c.headDim());
        json.put("rms_norm_eps", c.eps());
        json.put("rope_theta", c.ropeTheta());
        json.put("tie_word_embeddings", c.tied());
        json.put("hidden_act", "silu");
        json.put("attention_bias", false);
        json.put("mlp_bias", false);
        json.put("dtype", "float32");
        Map<String, NdArray> stored = new TreeMap<>(weights);
        stored.replaceAll((name, v) -> isProjection(name) ? HfFolder.transpose(v) : v);
        HfFolder.save(folder, json, stored);
    }
}
