package dev.javelin.runtime.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The steps of one query row of {@link Attention} over one tile of keys, on eight-lane vectors where
 * the operand's stride along the vectorized axis is 1 (the keys of Kᵀ, the columns of V, the keys of
 * a mask row) and scalar otherwise. Eight lanes, not the preferred species: attention heads are
 * often 8 to 64 wide, and a constant species is what the JIT compiles to vector instructions.
 */
final class AttentionRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int L = 8;

    private AttentionRows() {}

    /**
     * {@code s[j] = dot(q, key j) * scale (+ mask[j])} for the {@code n} keys at {@code kb}: q's
     * elements {@code qCol} apart, key j's {@code kDim} apart at {@code kb + j * kKey}.
     */
    static void scores(
            float[] q,
            int qi,
            int qCol,
            float[] k,
            int kb,
            int kKey,
            int kDim,
            int d,
            float scale,
            float[] mask,
            int mb,
            int mCol,
            int n,
            float[] s) {
        int j = 0;
        if (kKey == 1) {
            // Kᵀ: eight keys at a time, two accumulators over d to halve the FMA chain.
            for (; j + L <= n; j += L) {
                FloatVector a = FloatVector.zero(S);
                FloatVector b = FloatVector.zero(S);
                int c = 0;
                for (; c + 1 < d; c += 2) {
                    a = FloatVector.fromArray(S, k, kb + c * kDim + j)
                            .fma(FloatVector.broadcast(S, q[qi + c * qCol]), a);
                    b = FloatVector.fromArray(S, k, kb + (c + 1) * kDim + j)
                            .fma(FloatVector.broadcast(S, q[qi + (c + 1) * qCol]), b);
                }
                if (c < d) {
                    a = FloatVector.fromArray(S, k, kb + c * kDim + j)
                            .fma(FloatVector.broadcast(S, q[qi + c * qCol]), a);
                }
                FloatVector sc = a.add(b).mul(scale);
                if (mask != null && mCol == 1) {
                    sc = sc.add(FloatVector.fromArray(S, mask, mb + j));
                } else if (mask != null) {
                    for (int x = 0; x < L; x++) {
                        sc = sc.withLane(x, sc.lane(x) + mask[mb + (j + x) * mCol]);
                    }
                }
                sc.intoArray(s, j);
            }
        }
        for (; j < n; j++) {
            int kj = kb + j * kKey;
            float dot = 0f;
            for (int c = 0; c < d; c++) {
                dot = Math.fma(q[qi + c * qCol], k[kj + c * kDim], dot);
            }
            s[j] = mask == null ? dot * scale : dot * scale + mask[mb + j * mCol];
        }
    }

    /** The largest of {@code s[0..n)} (NaN if any is NaN, as {@code Math.max}). */
    static float max(float[] s, int n) {
        float m = Float.NEGATIVE_INFINITY;
        int j = 0;
        if (n >= L) {
            FloatVector v = FloatVector.fromArray(S, s, 0);
            for (j = L; j + L <= n; j += L) {
                v = v.max(FloatVector.fromArray(S, s, j));
            }
            m = v.reduceLanes(VectorOperators.MAX);
        }
        for (; j < n; j++) {
            m = Math.max(m, s[j]);
        }
        return m;
    }

    /** {@code s[j] = exp(s[j] - max)} for {@code j < n}; returns their sum. */
    static float exp(float[] s, int n, float max) {
        float sum = 0f;
        int j = 0;
        if (n >= L) {
            FloatVector total = FloatVector.zero(S);
            for (; j + L <= n; j += L) {
                FloatVector e = FloatVector.fromArray(S, s, j).sub(max).lanewise(VectorOperators.EXP);
                e.intoArray(s, j);
                total = total.add(e);
            }
            sum = total.reduceLanes(VectorOperators.ADD);
        }
        for (; j < n; j++) {
            s[j] = (float) Math.exp(s[j] - max);
            sum += s[j];
        }
        return sum;
    }

    /** {@code acc[c] += sum_j p[j] * v[vb + j * vKey + c * vCol]} for {@code j < n}, {@code c < dv}. */
    static void accumulate(float[] acc, int dv, float[] p, int n, float[] v, int vb, int vKey, int vCol) {
        int c = 0;
        if (vCol == 1) {
            for (; c + L <= dv; c += L) {
                FloatVector a = FloatVector.fromArray(S, acc, c);
                for (int j = 0; j < n; j++) {
                    a = FloatVector.fromArray(S, v, vb + j * vKey + c).fma(FloatVector.broadcast(S, p[j]), a);
                }
                a.intoArray(acc, c);
            }
        }
        for (; c < dv; c++) {
            float a = acc[c];
            for (int j = 0; j < n; j++) {
                a = Math.fma(p[j], v[vb + j * vKey + c * vCol], a);
            }
            acc[c] = a;
        }
    }
}
