package dev.javelin.llm;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How the next token is chosen from logits: greedy at temperature 0 (the largest logit, the lowest
 * id on a tie), otherwise a draw from the softmax of {@code logits / temperature}, restricted to the
 * {@code topK} most likely tokens (0: all) and then to the smallest set of them whose probabilities
 * reach {@code topP} (1: all), from a generator seeded with {@code seed}.
 *
 * @param temperature 0 for greedy, else the softmax temperature
 * @param topK how many of the most likely tokens may be drawn, 0 for all
 * @param topP the probability mass the drawn-from tokens cover, in (0, 1]
 * @param seed the random seed of the draws
 */
public record Sampling(double temperature, int topK, double topP, long seed) {
    /** Greedy decoding. */
    public static final Sampling GREEDY = new Sampling(0, 0, 1, 0);

    /** Checks the settings. */
    public Sampling {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("the temperature must be 0 (greedy) or positive, found " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be 0 (all tokens) or positive, found " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], found " + topP);
        }
    }

    /**
     * A chooser with its own random generator, for one generation.
     *
     * @return a function from logits to the chosen token id
     */
    public Chooser chooser() {
        return new Chooser(this, new SplittableRandom(seed));
    }

    /** Chooses tokens one after another with one random stream. */
    public static final class Chooser {
        private final Sampling s;
        private final SplittableRandom random;

        private Chooser(Sampling s, SplittableRandom random) {
            this.s = s;
            this.random = random;
        }

        /**
         * The next token.
         *
         * @param logits the logits of every token id
         * @return the chosen id
         */
        public int next(float[] logits) {
            if (s.temperature == 0) {
                int best = 0;
                for (int t = 1; t < logits.length; t++) {
                    if (logits[t] > logits[best]) {
                        best = t;
                    }
                }
                return best;
            }
            Integer[] order = new Integer[logits.length];
            for (int t = 0; t < order.length; t++) {
                order[t] = t;
            }
            // most likely first; ties by id, so the order (and so the draw) is reproducible
            Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : a - b);
            int keep = s.topK == 0 ? order.length : Math.min(s.topK, order.length);
            double[] p = new double[keep];
            double max = logits[order[0]] / s.temperature;
            double sum = 0;
            for (int i = 0; i < keep; i++) {
                p[i] = Math.exp(logits[order[i]] / s.temperature - max);
                sum += p[i];
            }
            double mass = 0;
            int nucleus = keep;
            for (int i = 0; i < keep; i++) {
                mass += p[i] / sum;
                if (mass >= s.topP) {
                    nucleus = i + 1;
                    break;
                }
            }
            double total = 0;
            for (int i = 0; i < nucleus; i++) {
                total += p[i];
            }
            double r = random.nextDouble() * total;
            for (int i = 0; i < nucleus; i++) {
                r -= p[i];
                if (r < 0) {
                    return order[i];
                }
            }
            return order[nucleus - 1];
        }
    }
}
