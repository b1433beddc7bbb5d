package dev.javelin.compiler.cli;

import dev.javelin.compiler.CompileOptions;
import dev.javelin.ir.io.AtomicWrite;
import dev.javelin.llm.CausalLm;
import dev.javelin.llm.Generator;
import dev.javelin.llm.NamedModels;
import dev.javelin.llm.Sampling;
import dev.javelin.llm.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code javelin generate}: continues a prompt with a GPT-2 or Llama-style model from a Hugging Face
 * folder, compiled for the CPU (docs/llm.md).
 */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Continue a prompt with a GPT-2 or Llama-style model from a Hugging Face folder"
                + " (config.json, model.safetensors): the new text (or ids) on standard output, tokens per"
                + " second of the prefill and the decode on standard error.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--hf",
            paramLabel = "DIR",
            description = "The model folder, as Hugging Face's save_pretrained writes it.")
    Path folder;

    @Option(
            names = "--config",
            paramLabel = "NAME",
            description = "Instead of --hf: a named shape with seeded random weights, for benchmarks:"
                    + " gpt2-tiny, gpt2, llama-tiny, llama-3.2-1b.")
    String config;

    @Option(
            names = "--prompt",
            paramLabel = "TEXT",
            description = "The prompt as text: needs the folder's tokenizer.json (byte-level BPE) or GPT-2's vocab.json"
                    + " and merges.txt.")
    String prompt;

    @Option(names = "--prompt-ids", paramLabel = "IDS", split = ",", description = "The prompt as token ids: 12,7,99.")
    long[] promptIds;

    @Option(names = "--max-new-tokens", paramLabel = "N", required = true, description = "How many tokens to add.")
    int maxNew;

    @Option(
            names = "--temperature",
            paramLabel = "T",
            defaultValue = "0",
            description = "0 (default): greedy; above 0: sample from softmax(logits / T).")
    double temperature;

    @Option(
            names = "--top-k",
            paramLabel = "K",
            defaultValue = "0",
            description = "Sample from the K most likely tokens only (default 0: all).")
    int topK;

    @Option(
            names = "--top-p",
            paramLabel = "P",
            defaultValue = "1",
            description = "Sample from the fewest most likely tokens whose probabilities reach P (default 1).")
    double topP;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "Seed of the draws (default 0).")
    long seed;

    @Option(
            names = "--ids-out",
            paramLabel = "FILE",
            description = "Write the whole sequence, prompt then new ids, space-separated on one line.")
    Path idsOut;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Threads of the CPU pool (default: one per processor).")
    Integer threads;

    @Override
    public Integer call() throws IOException {
        Sampling sampling = checkOptions();
        HfModels m = load();
        BpeTokenizer tokenizer = null;
        if (prompt != null) {
            tokenizer = BpeTokenizer.huggingFace(folder);
        }
        long[] ids = tokenizer != null
                ? Arrays.stream(tokenizer.encode(prompt)).asLongStream().toArray()
                : promptIds;
        checkPrompt(ids, m.model());
        CompileOptions options = CompileOptions.cpu();
        if (threads != null) {
            options = options.withThreads(threads);
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Integer> made = new ArrayList<>();
        Generator.Result r;
        try (Generator g = new Generator(m.model(), m.weights(), ids.length + maxNew, options)) {
            boolean printIds = tokenizer == null;
            r = g.generate(ids, maxNew, sampling, t -> {
                made.add(t);
                if (printIds) {
                    out.print((made.size() == 1 ? "" : " ") + t);
                    out.flush();
                }
            });
        }
        if (tokenizer != null) {
            out.print(tokenizer.decode(made.stream().mapToInt(Integer::intValue).toArray()));
        }
        out.println();
        out.flush();
        report(r);
        if (idsOut != null) {
            String line = Arrays.stream(r.ids()).mapToObj(Long::toString).collect(Collectors.joining(" ")) + "\n";
            AtomicWrite.write(idsOut, line.getBytes(StandardCharsets.UTF_8));
        }
        return 0;
    }

    /** The options that need no model: one prompt, one model, sizes, sampling. */
    private Sampling checkOptions() {
        if ((prompt == null) == (promptIds == null)) {
            throw new CliException("give the prompt with one of --prompt TEXT or --prompt-ids IDS");
        }
        if (maxNew < 1) {
            throw new CliException("--max-new-tokens must be at least 1, found " + maxNew);
        }
        if ((folder == null) == (config == null)) {
            throw new CliException("give the model with one of --hf DIR or --config NAME");
        }
        if (prompt != null && folder == null) {
            throw new CliException("--prompt TEXT needs a tokenizer, and a named shape has none: give --prompt-ids");
        }
        try {
            return new Sampling(temperature, topK, topP, seed);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    /** The model of --config (seeded random weights) or of the --hf folder (its checkpoint). */
    private HfModels load() {
        if (config == null) {
            return HfModels.load(folder, "generate");
        }
        CausalLm model;
        try {
            model = NamedModels.create(config);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        spec.commandLine().getErr().println("drawing random weights for " + config + " (seed " + seed + ")...");
        return new HfModels(model, model.logitsNet(1).initialValues(seed));
    }

    /** Checked before compiling, which takes a while: the prompt fits the model. */
    private void checkPrompt(long[] ids, CausalLm model) {
        if (ids.length == 0) {
            throw new CliException("the prompt is empty: it needs at least one token");
        }
        if (ids.length + maxNew > model.positions()) {
            throw new CliException("the prompt's " + ids.length + " tokens and " + maxNew + " new ones exceed the"
                    + " model's " + model.positions() + " positions");
        }
        try {
            Generator.checkTokens(model, ids);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    private void report(Generator.Result r) {
        PrintWriter err = spec.commandLine().getErr();
        err.printf(
                Locale.ROOT,
                "prefill: %d tokens in %.1f ms (%.0f tokens/s); decode: %d tokens in %.1f ms (%s tokens/s)%n",
                r.promptTokens(),
                r.prefillSeconds() * 1e3,
                r.prefillRate(),
                r.generated().length - 1,
                r.decodeSeconds() * 1e3,
                Double.isNaN(r.decodeRate()) ? "-" : String.format(Locale.ROOT, "%.0f", r.decodeRate()));
        err.flush();
    }
}
