package dev.javelin.llm.gpt2;

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
 * A GPT-2 from a Hugging Face model folder, as {@code save_pretrained} writes it: {@code
 * config.json} and {@code model.safetensors}, or shards listed by {@code
 * model.safetensors.index.json}. Weights stored as f16 or bf16 are widened to f32; the older
 * checkpoints' names without the {@code transformer.} prefix are accepted, their attention-mask
 * buffers ({@code attn.bias}, {@code attn.masked_bias}) dropped, and a stored {@code
 * lm_head.weight} must be the token table (GPT-2 ties them).
 *
 * @param model the model, sized by the configuration
 * @param weights every parameter's value by its path, f32
 */
public record Gpt2Checkpoint(Gpt2 model, SortedMap<String, NdArray> weights) {
    /** Keeps the weights unmodifiable. */
    public Gpt2Checkpoint {
        weights = Collections.unmodifiableSortedMap(new TreeMap<>(weights));
    }

    /**
     * Reads a Hugging Face GPT-2 folder.
     *
     * @param folder the folder
     * @return the model and its weights
     * @throws ModelFileException if a file is missing or unreadable, or the weights do not fit the
     *     configuration (every missing, extra and mis-shaped tensor is listed)
     */
    public static Gpt2Checkpoint load(Path folder) {
        Gpt2 model = new Gpt2(Gpt2Config.read(folder));
        SortedMap<String, NdArray> raw = HfFolder.tensors(folder);
        SortedMap<String, NdArray> weights = new TreeMap<>();
        raw.forEach((name, value) -> {
            String path = name.startsWith("transformer.") || name.startsWith("lm_head.") ? name : "transformer." + name;
            if (!path.endsWith(".attn.bias") && !path.endsWith(".attn.masked_bias")) {
                weights.put(path, value);
            }
        });
        NdArray head = weights.remove("lm_head.weight");
        NdArray table = weights.get("transformer.wte.weight");
        if (head != null && table != null && !head.equals(table)) {
            throw new ModelFileException(
                    folder + ": lm_head.weight differs from transformer.wte.weight; GPT-2 ties the output layer to"
                            + " the token table, and untied heads are not supported",
                    folder.toString());
        }
        HfFolder.check(folder, "GPT-2", model.logitsNet(1), weights);
        return new Gpt2Checkpoint(model, weights);
    }

    /**
     * Saves as a Hugging Face {@code GPT2LMHeadModel} folder ({@code config.json}, {@code
     * model.safetensors}), which {@link #load} and {@code transformers}' {@code from_pretrained} read.
     *
     * @param folder the folder to write
     * @throws ModelFileException if it cannot be written
     */
    public void save(Path folder) {
        Gpt2Config c = model.config();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model_type", "gpt2");
        json.put("architectures", List.of("GPT2LMHeadModel"));
        json.put("vocab_size", c.vocab());
        json.put("n_positions", c.positions());
        json.put("n_embd", c.dim());
        json.put("n_layer", c.layers());
        json.put("n_head", c.heads());
        json.put("n_inner", c.inner() == 4 * c.dim() ? null : c.inner());
        json.put("layer_norm_epsilon", c.eps());
        json.put("activation_function", c.activation());
        json.put("tie_word_embeddings", true);
        json.put("dtype", "float32");
        HfFolder.save(folder, json, weights);
    }
}
