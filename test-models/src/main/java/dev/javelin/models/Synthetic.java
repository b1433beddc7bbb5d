package dev.javelin.models;

import dev.javelin.ir.random.Philox;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;

/** Seeded made-up data for smoke runs and tests. */
final class Synthetic {
    private Synthetic() {}

    static NdArray normal(long seed, long stream, long... shape) {
        NdArray a = NdArray.zeros(DType.F32, shape);
        for (int i = 0; i < a.size(); i++) {
            a.set(i, (float) Philox.normal(seed, stream, i));
        }
        return a;
    }

    static NdArray uniform(long seed, long stream, long... shape) {
        NdArray a = NdArray.zeros(DType.F32, shape);
        for (int i = 0; i < a.size(); i++) {
            a.set(i, (float) Philox.uniform(seed, stream, i));
        }
        return a;
    }

    static NdArray labels(long seed, long stream, long classes, long n) {
        NdArray a = NdArray.zeros(DType.I64, n);
        for (int i = 0; i < a.size(); i++) {
            a.setLong(i, (long) (Philox.uniform(seed, stream, i) * classes));
        }
        return a;
    }
}
