package dev.javelin.compiler.cli;

import dev.javelin.ir.value.NdArray;
import dev.javelin.llm.CausalLm;
import dev.javelin.llm.HfFolder;
import dev.javelin.llm.gpt2.Gpt2Checkpoint;
import dev.javelin.llm.llama.LlamaCheckpoint;
import java.nio.file.Path;
import java.util.Map;

/** A Hugging Face model folder as the commands use it: the model its {@code model_type} names, and its weights. */
record HfModels(CausalLm model, Map<String, NdArray> weights) {
    /** Loads a {@code gpt2} or {@code llama} folder; another model type is a one-line error. */
    static HfModels load(Path folder, String command) {
        Object type = HfFolder.config(folder).get("model_type");
        if ("gpt2".equals(type)) {
            Gpt2Checkpoint ck = Gpt2Checkpoint.load(folder);
            return new HfModels(ck.model(), ck.weights());
        }
        if ("llama".equals(type)) {
            LlamaCheckpoint ck = LlamaCheckpoint.load(folder);
            return new HfModels(ck.model(), ck.weights());
        }
        throw new CliException(folder.resolve("config.json") + ": model_type is '" + type + "'; javelin " + command
                + " runs gpt2 and llama models");
    }
}
