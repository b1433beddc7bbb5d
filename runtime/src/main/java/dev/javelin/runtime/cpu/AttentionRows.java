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

    /**
     * Scores of four query rows at once, {@code qRow} apart (their mask rows {@code mRow} apart,
     * at stride 1 along the keys), against the {@code n} keys of Kᵀ at {@code kb} (stride 1 between
     * keys): each key vector is loaded once for the four, whose FMA chains are independent. Row r's
     * scores go to {@code s[r * TILE ..]}.
     */
    static void scores4(
            float[] q,
            int qi,
            int qRow,
            int qCol,
            float[] k,
            int kb,
            int kDim,
            int d,
            float scale,
            float[] mask,
            int mb,
            int mRow,
            int n,
            float[] s) {
        int j = 0;
        for (; j + L <= n; j += L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int c = 0; c < d; c++) {
                FloatVector kv = FloatVector.fromArray(S, k, kb + c * kDim + j);
                int qc = qi + c * qCol;
                a0 = kv.fma(FloatVector.broadcast(S, q[qc]), a0);
                a1 = kv.fma(FloatVector.broadcast(S, q[qc + qRow]), a1);
                a2 = kv.fma(FloatVector.broadcast(S, q[qc + 2 * qRow]), a2);
                a3 = kv.fma(FloatVector.broadcast(S, q[qc + 3 * qRow]), a3);
            }
            a0 = a0.mul(scale);
            a1 = a1.mul(scale);
            a2 = a2.mul(scale);
            a3 = a3.mul(scale);
            if (mask != null) {
                a0 = a0.add(FloatVector.fromArray(S, mask, mb + j));
                a1 = a1.add(FloatVector.fromArray(S, mask, mb + mRow + j));
                a2 = a2.add(FloatVector.fromArray(S, mask, mb + 2 * mRow + j));
                a3 = a3.add(FloatVector.fromArray(S, mask, mb + 3 * mRow + j));
            }
            a0.intoArray(s, j);
            a1.intoArray(s, Attention.TILE + j);
            a2.intoArray(s, 2 * Attention.TILE + j);
            a3.intoArray(s, 3 * Attention.TILE + j);
        }
        for (int r = 0; r < 4 && j < n; r++) {
            for (int x = j; x < n; x++) {
                float dot = 0f;
                for (int c = 0; c < d; c++) {
                    dot = Math.fma(q[qi + r * qRow + c * qCol], k[kb + x + c * kDim], dot);
                }
                s[r * Attention.TILE + x] = mask == null ? dot * scale : dot * scale + mask[mb + r * mRow + x];
            }
        }
    }

    /**
     * {@code acc[r * dv + c] += sum_j p[r * TILE + j] * v[vb + j * vKey + c]} for four rows, V's
     * columns at stride 1: each V vector loaded once for the four rows.
     */
    static void accumulate4(float[] acc, int dv, float[] p, int n, float[] v, int vb, int vKey) {
        int c = 0;
        for (; c + L <= dv; c += L) {
            FloatVector a0 = FloatVector.fromArray(S, acc, c);
            FloatVector a1 = FloatVector.fromArray(S, acc, dv + c);
            FloatVector a2 = FloatVector.fromArray(S, acc, 2 * dv + c);
            FloatVector a3 = FloatVector.fromArray(S, acc, 3 * dv + c);
            for (int j = 0; j < n; j++) {
                FloatVector vv = FloatVector.fromArray(S, v, vb + j * vKey + c);
                a0 = vv.fma(FloatVector.broadcast(S, p[j]), a0);
                a1 = vv.fma(FloatVector.broadcast(S, p[Attention.TILE + j]), a1);
                a2 = vv.fma(FloatVector.broadcast(S, p[2 * Attention.TILE + j]), a2);
                a3 = vv.fma(FloatVector.broadcast(S, p[3 * Attention.TILE + j]), a3);
            }
            a0.intoArray(acc, c);
            a1.intoArray(acc, dv + c);
            a2.intoArray(acc, 2 * dv + c);
            a3.intoArray(acc, 3 * dv + c);
        }
        for (; c < dv; c++) {
            for (int r = 0; r < 4; r++) {
                float a = acc[r * dv + c];
                for (int j = 0; j < n; j++) {
                    a = Math.fma(p[r * Attention.TILE + j], v[vb + j * vKey + c], a);
                }
                acc[r * dv + c] = a;
            }
        }
    }

    /**
     * {@code out[o + c * oCol] = acc[at + c] / sum} for {@code c < n}: by one reciprocal, vectors
     * where O's columns are at stride 1 ({@code 0 * (1/0)} is NaN, as {@code 0/0}: a row masked out
     * entirely stays NaN).
     */
    static void divide(float[] acc, int at, int n, float sum, float[] out, int o, int oCol) {
        float inv = 1f / sum;
        int c = 0;
        if (oCol == 1) {
            for (; c + L <= n; c += L) {
                FloatVector.fromArray(S, acc, at + c).mul(inv).intoArray(out, o + c);
            }
        }
        for (; c < n; c++) {
            out[o + c * oCol] = acc[at + c] * inv;
        }
    }

    /** The largest of {@code s[at..at+n)} (NaN if any is NaN, as {@code Math.max}). */
    static float max(float[] s, int at, int n) {
        float m = Float.NEGATIVE_INFINITY;
        int j = 0;
        if (n >= L) {
            FloatVector v = FloatVector.fromArray(S, s, at);
            for (j = L; j + L <= n; j += L) {
                v = v.max(FloatVector.fromArray(S, s, at + j));
            }
            m = v.reduceLanes(VectorOperators.MAX);
        }
        for (; j < n; j++) {
            m = Math.max(m, s[at + j]);
        }
        return m;
    }

    /** {@code s[at+j] = exp(s[at+j] - max)} for {@code j < n}; returns their sum. */
    static float exp(float[] s, int at, int n, float max) {
        float sum = 0f;
        int j = 0;
        if (n >= L) {
            FloatVector total = FloatVector.zero(S);
            for (; j + L <= n; j += L) {
                FloatVector e = FloatVector.fromArray(S, s, at + j).sub(max).lanewise(VectorOperators.EXP);
                e.intoArray(s, at + j);
                total = total.add(e);
            }
            sum = total.reduceLanes(VectorOperators.ADD);
        }
        for (; j < n; j++) {
            s[at + j] = (float) Math.exp(s[at + j] - max);
            sum += s[at + j];
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
