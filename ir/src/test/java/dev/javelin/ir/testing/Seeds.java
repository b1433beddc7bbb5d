package dev.javelin.ir.testing;

import java.util.Random;
import java.util.stream.LongStream;

/**
 * Seeds for seeded property tests (plain JUnit parameterized tests; see docs/ARCHITECTURE.md for
 * why not jqwik). The seeds are fixed, so every run checks the same cases and a failure names the
 * seed that reproduces it; {@code -Djavelin.test.seed=N} runs the cases of another master seed.
 */
public final class Seeds {
    private Seeds() {}

    /** {@code count} seeds derived from the master seed and {@code salt} (one stream per test). */
    public static LongStream of(String salt, int count) {
        long master = Long.getLong("javelin.test.seed", 20261126L);
        Random r = new Random(master ^ salt.hashCode());
        return LongStream.generate(r::nextLong).limit(count);
    }
}
