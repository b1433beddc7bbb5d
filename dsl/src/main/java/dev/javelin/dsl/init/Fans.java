package dev.javelin.dsl.init;

import dev.javelin.ir.type.TensorType;

/**
 * Fan-in and fan-out of a weight, for scaled initializers. Javelin stores a linear layer's weight
 * as {@code [in, out]} (so {@code x @ w}) and a convolution's as {@code [out, in/groups, kh, kw]}.
 */
record Fans(long in, long out) {
    static Fans of(TensorType t) {
        long[] s = t.shape().sizes();
        return switch (s.length) {
            case 0 -> new Fans(1, 1);
            case 1 -> new Fans(s[0], s[0]);
            case 2 -> new Fans(s[0], s[1]);
            default -> {
                long field = 1;
                for (int i = 2; i < s.length; i++) {
                    field *= s[i];
                }
                yield new Fans(s[1] * field, s[0] * field);
            }
        };
    }
}
