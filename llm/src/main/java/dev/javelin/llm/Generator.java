package dev.javelin.llm;

import dev.javelin.compiler.CompileOptions;
import dev.javelin.compiler.CompiledModel;
import dev.javelin.compiler.HostTensor;
import dev.javelin.compiler.Javelin;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Text generation with a compiled {@link CausalLm} and a key/value cache: a prefill program reads the
 * prompt at once and fills the cache ({@link CausalLm#prefillNet}, compiled per power-of-two bucket
 * of prompt lengths, the prompt padded to it, and kept), a decode program takes one token per step, writes its keys and values at its position and
 * attends to the cache ({@link CausalLm#decodeNet}, compiled once). The cache moves from the one to
 * the other after the prefill.
 */
public final class Generator implements AutoCloseable {
    private final CausalLm model;
    private final Map<String, NdArray> weights;
    private final int length;
    private final CompileOptions options;
    private final CompiledModel decode;
    private final Map<Integer, CompiledModel> prefills = new HashMap<>();
    private final long[] token = new long[1];
    private final long[] position = new long[1];
    private final float[] logits;
    private final Map<String, HostTensor> in;
    private final Map<String, HostTensor> out;
    private final List<String> cache;

    /**
     * Compiles {@code model}'s decode step for sequences of up to {@code length} tokens.
     *
     * @param model the model
     * @param weights its parameters by path
     * @param length the longest prompt plus new tokens, at most the model's positions
     * @param options compile options (target, threads, ...); the batch is 1
     */
    public Generator(CausalLm model, Map<String, NdArray> weights, int length, CompileOptions options) {
        if (length < 1 || length > model.positions()) {
            throw new IllegalArgumentException("a generation of " + length + " tokens does not fit the model's "
                    + model.positions() + " positions");
        }
        this.model = model;
        this.weights = model.generationWeights(weights);
        this.length = length;
        this.options = options;
        this.decode = Javelin.compile(model.decodeNet(length), options);
        decode.setParameters(this.weights);
        this.cache = decode.parameters().stream()
                .map(CompiledModel.TensorSpec::name)
                .filter(n -> n.startsWith("cache."))
                .toList();
        this.logits = new float[model.vocab()];
        this.in = Map.of("input_ids", HostTensor.ofLongs(token, 1, 1), "position", HostTensor.ofLongs(position, 1));
        this.out = Map.of("logits", HostTensor.of(logits, 1, model.vocab()));
    }

    private CompiledModel prefill(int prompt) {
        return prefills.computeIfAbsent(prompt, p -> {
            CompiledModel m = Javelin.compile(model.prefillNet(p, length), options);
            m.setParameters(weights);
            // the prefill overwrites the cache without reading it; a compiled model needs every value set
            for (CompiledModel.TensorSpec spec : m.parameters()) {
                if (cache.contains(spec.name())) {
                    m.setParameters(Map.of(spec.name(), NdArray.zeros(DType.F32, spec.shape())));
                }
            }
            return m;
        });
    }

    /**
     * What a generation made.
     *
     * @param ids the whole sequence, the prompt then the new tokens
     * @param promptTokens how many of them are the prompt
     * @param prefillSeconds the time of the prompt's step
     * @param decodeSeconds the time of the other steps
     */
    public record Result(long[] ids, int promptTokens, double prefillSeconds, double decodeSeconds) {
        /**
         * The new tokens.
         *
         * @return the ids after the prompt
         */
        public long[] generated() {
            return Arrays.copyOfRange(ids, promptTokens, ids.length);
        }

        /**
         * Prompt tokens per second of the prefill.
         *
         * @return the prefill's rate
         */
        public double prefillRate() {
            return promptTokens / prefillSeconds;
        }

        /**
         * New tokens per second after the first (each decode step makes one).
         *
         * @return the decode rate, NaN with one new token or none
         */
        public double decodeRate() {
            int steps = ids.length - promptTokens - 1;
            return steps > 0 ? steps / decodeSeconds : Double.NaN;
        }
    }

    /**
     * Continues {@code prompt} by up to {@code maxNew} tokens.
     *
     * @param prompt the prompt's ids, at least one, each in the vocabulary
     * @param maxNew how many tokens to add
     * @param sampling how to choose each
     * @param onToken told each new token as it is chosen (for streaming)
     * @return the sequence and the timings
     */
    public synchronized Result generate(long[] prompt, int maxNew, Sampling sampling, IntConsumer onToken) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt needs at least one token");
        }
        if (maxNew < 0 || prompt.length + maxNew > length) {
            throw new IllegalArgumentException("a prompt of " + prompt.length + " tokens and " + maxNew
                    + " new ones do not fit the " + length + " tokens this generator was compiled for");
        }
        checkTokens(model, prompt);
        int bucket = bucket(prompt.length, length);
        CompiledModel first = prefill(bucket);
        long[] ids = Arrays.copyOf(prompt, prompt.length + maxNew);
        Sampling.Chooser chooser = sampling.chooser();
        int n = prompt.length;
        double prefillSeconds = 0;
        long decodeStart = 0;
        for (int step = 0; step < maxNew; step++) {
            long t0 = System.nanoTime();
            if (step == 0) {
                long[] padded = Arrays.copyOf(prompt, bucket);
                position[0] = prompt.length - 1;
                first.run(
                        Map.of(
                                "input_ids",
                                HostTensor.ofLongs(padded, 1, padded.length),
                                "position",
                                HostTensor.ofLongs(position, 1)),
                        out);
                for (String c : cache) {
                    decode.setParameters(Map.of(c, first.parameter(c)));
                }
            } else {
                token[0] = ids[n - 1];
                position[0] = n - 1;
                decode.run(in, out);
            }
            int next = chooser.next(logits);
            if (step == 0) {
                prefillSeconds = (System.nanoTime() - t0) / 1e9;
                decodeStart = System.nanoTime();
            }
            ids[n++] = next;
            onToken.accept(next);
        }
        double decodeSeconds = maxNew > 1 ? (System.nanoTime() - decodeStart) / 1e9 : 0;
        return new Result(Arrays.copyOf(ids, n), prompt.length, prefillSeconds, decodeSeconds);
    }

    /**
     * Checks that every prompt id is in {@code model}'s vocabulary (before compiling, where a caller
     * wants to fail fast).
     *
     * @param model the model
     * @param prompt the prompt's ids
     * @throws IllegalArgumentException naming the first id outside the vocabulary and its index
     */
    public static void checkTokens(CausalLm model, long[] prompt) {
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= model.vocab()) {
                throw new IllegalArgumentException("prompt token " + prompt[i] + " at index " + i
                        + " is not in the vocabulary (ids 0 to " + (model.vocab() - 1) + ")");
            }
        }
    }

    /** The prefill length a prompt is padded to: the next power of two, at most {@code length}. */
    static int bucket(int prompt, int length) {
        int p = Integer.highestOneBit(prompt);
        return Math.min(length, p == prompt ? p : 2 * p);
    }

    @Override
    public void close() {
        decode.close();
        prefills.values().forEach(CompiledModel::close);
    }
}
