package dev.javelin.llm.gpt2;

import dev.javelin.dsl.checkpoint.Checkpoint;
import dev.javelin.dsl.checkpoint.CheckpointException;
import dev.javelin.dsl.json.Json;
import dev.javelin.dsl.json.JsonException;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.llm.ModelFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

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
        Path config = folder.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new ModelFileException(
                    "no config.json in " + folder + ": expected a Hugging Face model folder (save_pretrained)",
                    folder.toString());
        }
        Gpt2 model = new Gpt2(Gpt2Config.read(config));
        SortedMap<String, NdArray> raw = tensors(folder);
        SortedMap<String, NdArray> weights = new TreeMap<>();
        raw.forEach((name, value) -> {
            String path = name.startsWith("transformer.") || name.startsWith("lm_head.") ? name : "transformer." + name;
            if (!path.endsWith(".attn.bias") && !path.endsWith(".attn.masked_bias")) {
                weights.put(path, value.dtype().isFloat() ? value.cast(DType.F32) : value);
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
        Map<String, TensorType> expected = new TreeMap<>();
        for (Node p : model.logitsNet(1).build().parameters()) {
            expected.put(p.name(), p.type());
        }
        try {
            Checkpoint.check(expected, weights);
        } catch (CheckpointException e) {
            throw new ModelFileException(
                    folder + ": the weights do not fit config.json's GPT-2: " + e.getMessage(), folder.toString());
        }
        return new Gpt2Checkpoint(model, weights);
    }

    private static SortedMap<String, NdArray> tensors(Path folder) {
        Path single = folder.resolve("model.safetensors");
        Path index = folder.resolve("model.safetensors.index.json");
        try {
            if (Files.isRegularFile(single)) {
                return Checkpoint.load(single);
            }
            if (Files.isRegularFile(index)) {
                SortedMap<String, NdArray> all = new TreeMap<>();
                for (String shard : shards(index)) {
                    all.putAll(Checkpoint.load(folder.resolve(shard)));
                }
                return all;
            }
        } catch (CheckpointException e) {
            throw new ModelFileException(e.getMessage(), folder.toString());
        }
        throw new ModelFileException(
                "no model.safetensors or model.safetensors.index.json in " + folder, folder.toString());
    }

    /** The shard files an index names, each once, in name order. */
    private static TreeSet<String> shards(Path index) {
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(index), index.toString());
        } catch (IOException e) {
            throw new ModelFileException("cannot read " + index + ": " + e.getMessage(), index.toString());
        } catch (JsonException e) {
            throw new ModelFileException(e.getMessage(), index.toString());
        }
        if (!(parsed instanceof Map<?, ?> json) || !(json.get("weight_map") instanceof Map<?, ?> map)) {
            throw new ModelFileException(index + ": expected an object with a 'weight_map'", index.toString());
        }
        TreeSet<String> files = new TreeSet<>();
        for (Object f : map.values()) {
            if (!(f instanceof String s) || s.contains("/") || s.contains("\\") || s.equals("..")) {
                throw new ModelFileException(
                        index + ": weight_map must name shard files in the same folder, found " + f, index.toString());
            }
            files.add(s);
        }
        return files;
    }
}
