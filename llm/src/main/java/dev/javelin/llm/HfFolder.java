package dev.javelin.llm;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.checkpoint.Checkpoint;
import dev.javelin.dsl.checkpoint.CheckpointException;
import dev.javelin.dsl.json.Json;
import dev.javelin.dsl.json.JsonException;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a Hugging Face model folder ({@code save_pretrained}) holds: {@code config.json}, and the
 * weights in {@code model.safetensors} or in shards listed by {@code model.safetensors.index.json}.
 */
public final class HfFolder {
    private HfFolder() {}

    /**
     * The folder's {@code config.json}, parsed.
     *
     * @param folder the model folder
     * @return the configuration's JSON object
     * @throws ModelFileException if there is none, or it is not a JSON object
     */
    public static Map<?, ?> config(Path folder) {
        Path file = folder.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new ModelFileException(
                    "no config.json in " + folder + ": expected a Hugging Face model folder (save_pretrained)",
                    folder.toString());
        }
        Object parsed;
        try {
            parsed = Json.parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new ModelFileException(
                    "cannot read " + file + ": " + e.getClass().getSimpleName() + " " + e.getMessage(),
                    file.toString());
        } catch (JsonException e) {
            throw new ModelFileException(e.getMessage(), file.toString());
        }
        if (!(parsed instanceof Map<?, ?> json)) {
            throw new ModelFileException(file + ": expected a JSON object", file.toString());
        }
        return json;
    }

    /**
     * A non-negative integer of a configuration.
     *
     * @param config the configuration
     * @param key its key
     * @param folder the model folder, for the error
     * @return the value
     * @throws ModelFileException if it is missing or not a non-negative integer
     */
    public static int size(Map<?, ?> config, String key, Path folder) {
        Object v = config.get(key);
        if (!(v instanceof Number n)
                || n.doubleValue() != Math.rint(n.doubleValue())
                || n.doubleValue() < 0
                || n.doubleValue() > Integer.MAX_VALUE) {
            Path file = folder.resolve("config.json");
            throw new ModelFileException(
                    file + ": '" + key + "' must be a non-negative integer, found " + (v == null ? "nothing" : v),
                    file.toString());
        }
        return n.intValue();
    }

    /**
     * Every tensor of the folder's weights by its stored name, floating-point ones (f16, bf16 too)
     * as f32.
     *
     * @param folder the model folder
     * @return the tensors
     * @throws ModelFileException if there are no weights or a file is malformed
     */
    public static SortedMap<String, NdArray> tensors(Path folder) {
        Path single = folder.resolve("model.safetensors");
        Path index = folder.resolve("model.safetensors.index.json");
        SortedMap<String, NdArray> all = new TreeMap<>();
        try {
            if (Files.isRegularFile(single)) {
                all.putAll(Checkpoint.load(single));
            } else if (Files.isRegularFile(index)) {
                for (String shard : shards(index)) {
                    all.putAll(Checkpoint.load(folder.resolve(shard)));
                }
            } else {
                throw new ModelFileException(
                        "no model.safetensors or model.safetensors.index.json in " + folder, folder.toString());
            }
        } catch (CheckpointException e) {
            throw new ModelFileException(e.getMessage(), folder.toString());
        }
        all.replaceAll((name, v) -> v.dtype().isFloat() && v.dtype() != DType.F32 ? v.cast(DType.F32) : v);
        return all;
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

    /**
     * Checks that {@code weights} are exactly the parameters of {@code net}, with their types.
     *
     * @param folder the model folder, for the error
     * @param what the model's name, for the error
     * @param net a net of the model
     * @param weights the weights by parameter path
     * @throws ModelFileException listing every missing, extra and mis-typed tensor
     */
    public static void check(Path folder, String what, Net net, Map<String, NdArray> weights) {
        Map<String, TensorType> expected = new TreeMap<>();
        for (Node p : net.build().parameters()) {
            expected.put(p.name(), p.type());
        }
        try {
            Checkpoint.check(expected, weights);
        } catch (CheckpointException e) {
            throw new ModelFileException(
                    folder + ": the weights do not fit config.json's " + what + ": " + e.getMessage(),
                    folder.toString());
        }
    }

    /**
     * A matrix transposed: PyTorch's {@code Linear} stores {@code [out, in]}, a row-major product
     * streams {@code [in, out]}.
     *
     * @param v a matrix {@code [rows, cols]}
     * @return {@code [cols, rows]}
     */
    public static NdArray transpose(NdArray v) {
        int rows = (int) v.dim(0);
        int cols = (int) v.dim(1);
        double[] t = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = v.get(r * cols + c);
            }
        }
        return NdArray.of(v.dtype(), new long[] {cols, rows}, t);
    }

    /**
     * Writes a model folder Hugging Face's {@code from_pretrained} reads: {@code config.json} and
     * {@code model.safetensors} (metadata {@code format: pt}, as {@code transformers} requires).
     * The folder is created if missing; a previous checkpoint there is replaced crash-safely, a
     * foreign file refused.
     *
     * @param folder the model folder
     * @param config the configuration, written as JSON in its iteration order
     * @param tensors the weights by Hugging Face name
     * @throws ModelFileException if the folder cannot be written
     */
    public static void save(Path folder, Map<String, Object> config, Map<String, NdArray> tensors) {
        try {
            Files.createDirectories(folder);
            dev.javelin.ir.io.AtomicWrite.write(
                    folder.resolve("config.json"),
                    (Json.write(config) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            Checkpoint.save(folder.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        } catch (IOException e) {
            throw new ModelFileException("cannot write " + folder + ": " + e.getMessage(), folder.toString());
        } catch (CheckpointException e) {
            throw new ModelFileException(e.getMessage(), folder.toString());
        }
    }
}
