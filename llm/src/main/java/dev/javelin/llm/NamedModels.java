package dev.javelin.llm;

import dev.javelin.llm.gpt2.Gpt2;
import dev.javelin.llm.gpt2.Gpt2Config;
import dev.javelin.llm.llama.Llama;
import dev.javelin.llm.llama.LlamaConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedSet;

/**
 * The named model shapes for tests and benchmarks, with GPT-2's real vocabulary size where they are
 * GPT-2s: {@code gpt2-tiny} (2 layers, width 128), {@code gpt2} (124M, GPT-2 small's shape), {@code
 * llama-tiny} (2 layers, width 128, grouped-query heads) and {@code llama-3.2-1b} (Llama 3.2 1B's
 * shape without its rotary scaling).
 */
public final class NamedModels {
    private NamedModels() {}

    private static final Map<String, Object> CONFIGS = new LinkedHashMap<>();

    static {
        CONFIGS.put("gpt2-tiny", new Gpt2Config(50257, 256, 128, 2, 4, 512, 1e-5, "gelu_new"));
        CONFIGS.put("gpt2", new Gpt2Config(50257, 1024, 768, 12, 12, 3072, 1e-5, "gelu_new"));
        CONFIGS.put("llama-tiny", new LlamaConfig(32000, 256, 128, 344, 2, 4, 2, 32, 1e-5, 10000, false));
        CONFIGS.put("llama-3.2-1b", new LlamaConfig(128256, 2048, 2048, 8192, 16, 32, 8, 64, 1e-5, 500000, true));
    }

    /**
     * The names, in a fixed order.
     *
     * @return the names
     */
    public static SequencedSet<String> names() {
        return (SequencedSet<String>) CONFIGS.keySet();
    }

    /**
     * A model of a named shape, its parameters not yet drawn ({@code logitsNet(1).initialValues(seed)}
     * draws them).
     *
     * @param name one of {@link #names}
     * @return the model
     * @throws IllegalArgumentException naming the known shapes if {@code name} is not one
     */
    public static CausalLm create(String name) {
        Object c = CONFIGS.get(name);
        return switch (c) {
            case Gpt2Config g -> new Gpt2(g);
            case LlamaConfig l -> new Llama(l);
            case null ->
                throw new IllegalArgumentException(
                        "no model shape named '" + name + "' (known: " + String.join(", ", names()) + ")");
            default -> throw new IllegalStateException(c.toString());
        };
    }
}
