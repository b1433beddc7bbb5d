package dev.javelin.llm;

import dev.javelin.compiler.CompileOptions;
import dev.javelin.compiler.CompiledModel;
import dev.javelin.compiler.HostTensor;
import dev.javelin.compiler.Javelin;
import dev.javelin.ir.value.NdArray;
import java.util.Arrays;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Text generation with a compiled {@link CausalLm}: one net of {@link CausalLm#nextTokenNet} at the
 * longest length a generation may reach, compiled once, run once for the prompt (prefill) and once
 * per new token (decode). There is no key/value cache yet: each step recomputes the whole prefix
 * (padded to the compiled length), so a step costs as much as the prefill.
 */
public final class Generator implements AutoCloseable {
    private final CausalLm model;
    private final int length;
    private final CompiledModel compiled;
    private final long[] ids;
    private final long[] position = new long[1];
    private final float[] logits;
    private final Map<String, HostTensor> in;
    private final Map<String, HostTensor> out;

    /**
     * Compiles {@code model} for sequences of up to {@code length} tokens.
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
        this.length = length;
        this.compiled = Javelin.compile(model.nextTokenNet(length), options);
        compiled.setParameters(weights);
        this.ids = new long[length];
        this.logits = new float[model.vocab()];
        this.in = Map.of("input_ids", HostTensor.ofLongs(ids, 1, length), "position", HostTensor.ofLongs(position, 1));
        this.out = Map.of("logits", HostTensor.of(logits, 1, model.vocab()));
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
        for (int i = 0; i < prompt.length; i++) {
            if (prompt[i] < 0 || prompt[i] >= model.vocab()) {
                throw new IllegalArgumentException("prompt token " + prompt[i] + " at index " + i
                        + " is not in the vocabulary (ids 0 to " + (model.vocab() - 1) + ")");
            }
        }
        Arrays.fill(ids, 0);
        System.arraycopy(prompt, 0, ids, 0, prompt.length);
        Sampling.Chooser chooser = sampling.chooser();
        int n = prompt.length;
        double prefill = 0;
        long decodeStart = 0;
        for (int step = 0; step < maxNew; step++) {
            long t0 = System.nanoTime();
            position[0] = n - 1;
            compiled.run(in, out);
            int next = chooser.next(logits);
            if (step == 0) {
                prefill = (System.nanoTime() - t0) / 1e9;
                decodeStart = System.nanoTime();
            }
            ids[n++] = next;
            onToken.accept(next);
        }
        double decode = maxNew > 1 ? (System.nanoTime() - decodeStart) / 1e9 : 0;
        return new Result(Arrays.copyOf(ids, n), prompt.length, prefill, decode);
    }

    @Override
    public void close() {
        compiled.close();
    }
}
