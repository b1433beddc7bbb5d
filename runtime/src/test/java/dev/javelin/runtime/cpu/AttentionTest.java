package dev.javelin.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Attention} against softmax(q·kᵀ·scale + mask)·v computed in double precision the plain way
 * (every score, the row maximum, the sum, then the product): query and key counts and head widths
 * from 1 to 130 (more than two key tiles), keys as {@code Kᵀ [d, sk]} and as {@code K [sk, d]},
 * a mask per batch block or broadcast over the batch, padded strides in every operand.
 */
class AttentionTest {
    private static CpuPool pool;
    private static Attention attention;

    @BeforeAll
    static void start() {
        pool = new CpuPool(2);
        attention = new Attention(pool);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    /** One problem: batch axes [2, 3], each operand laid out with padding {@code pad} between rows. */
    private record Problem(int sq, int sk, int d, int dv, boolean keysTransposed, boolean masked, int pad) {
        int batch() {
            return 6;
        }

        int qRow() {
            return d + pad;
        }

        int kKey() {
            return keysTransposed ? 1 : d + pad;
        }

        int kDim() {
            return keysTransposed ? sk + pad : 1;
        }

        int vRow() {
            return dv + pad;
        }

        int oRow() {
            return dv + pad;
        }

        int mRow() {
            return sk + pad;
        }

        int qSize() {
            return sq * qRow();
        }

        int kSize() {
            return keysTransposed ? d * kDim() : sk * kKey();
        }

        int vSize() {
            return sk * vRow();
        }

        int oSize() {
            return sq * oRow();
        }

        int mSize() {
            return sq * mRow();
        }

        /** Batch axes [2, 3]; the mask varies over the first axis only (broadcast over the heads). */
        int[] table(int base) {
            return new int[] {
                sq,
                sk,
                d,
                dv,
                base,
                qRow(),
                1,
                base,
                kKey(),
                kDim(),
                base,
                vRow(),
                1,
                base,
                oRow(),
                1,
                base,
                mRow(),
                1,
                2,
                2,
                3 * qSize(),
                3 * kSize(),
                3 * vSize(),
                3 * oSize(),
                mSize(),
                3,
                qSize(),
                kSize(),
                vSize(),
                oSize(),
                0
            };
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int[][] sizes = {{1, 1, 1, 1}, {8, 8, 8, 8}, {7, 17, 8, 7}, {17, 7, 64, 17}, {3, 130, 1, 64}, {64, 64, 17, 8}};
        for (int[] s : sizes) {
            for (boolean kt : new boolean[] {true, false}) {
                for (boolean masked : new boolean[] {false, true}) {
                    out.add(Arguments.of(new Problem(s[0], s[1], s[2], s[3], kt, masked, masked ? 3 : 0)));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTheDoublePrecisionSoftmax(Problem p) {
        int base = 5;
        Random r = new Random(p.sq() * 1000 + p.sk() * 10 + p.d());
        float[] q = random(r, base + p.batch() * p.qSize(), 1);
        float[] k = random(r, base + p.batch() * p.kSize(), 1);
        float[] v = random(r, base + p.batch() * p.vSize(), 1);
        float[] mask = p.masked() ? random(r, base + 2 * p.mSize(), 4) : null;
        if (mask != null && p.sk() > 1) {
            mask[base + p.mSize() + 1] = Float.NEGATIVE_INFINITY; // key 1 of row 0 masked out in blocks (1, *)
        }
        float[] out = new float[base + p.batch() * p.oSize()];
        float scale = (float) (1 / Math.sqrt(p.d()));
        attention.run(p.table(base), scale, q, k, v, mask, out);
        for (int b = 0; b < p.batch(); b++) {
            int mb = base + (b / 3) * p.mSize();
            for (int i = 0; i < p.sq(); i++) {
                double[] want = reference(
                        p,
                        q,
                        k,
                        v,
                        mask,
                        scale,
                        base + b * p.qSize() + i * p.qRow(),
                        base + b * p.kSize(),
                        base + b * p.vSize(),
                        mb + i * p.mRow());
                for (int c = 0; c < p.dv(); c++) {
                    float got = out[base + b * p.oSize() + i * p.oRow() + c];
                    assertEquals(
                            want[c],
                            got,
                            1e-5 * Math.max(1, Math.abs(want[c])),
                            p + ": block " + b + ", row " + i + ", column " + c);
                }
            }
        }
    }

    /** The attention of one query row, the textbook way in double. */
    private static double[] reference(
            Problem p, float[] q, float[] k, float[] v, float[] mask, float scale, int qi, int ko, int vo, int mi) {
        double[] s = new double[p.sk()];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < p.sk(); j++) {
            double dot = 0;
            for (int c = 0; c < p.d(); c++) {
                dot += (double) q[qi + c] * k[ko + j * p.kKey() + c * p.kDim()];
            }
            s[j] = dot * scale + (mask == null ? 0 : mask[mi + j]);
            max = Math.max(max, s[j]);
        }
        double sum = 0;
        for (int j = 0; j < p.sk(); j++) {
            s[j] = Math.exp(s[j] - max);
            sum += s[j];
        }
        double[] out = new double[p.dv()];
        for (int j = 0; j < p.sk(); j++) {
            for (int c = 0; c < p.dv(); c++) {
                out[c] += s[j] / sum * v[vo + j * p.vRow() + c];
            }
        }
        return out;
    }

    /**
     * A row masked out entirely gives NaN, as the unfused softmax does ({@code -inf - -inf}); a row
     * whose first key tile is masked out and whose last key is not gives that key's value row,
     * finite. Rows 0 to 3 take the four-row path, row 4 the one-row path; each path sees both kinds.
     */
    @Test
    void aRowMaskedOutEntirelyIsNaNAndAPartlyMaskedOneIsFinite() {
        int sk = Attention.TILE + 2;
        int sq = 5;
        int[] g = {sq, sk, 1, 2, 0, 1, 1, 0, 1, 1, 0, 2, 1, 0, 2, 1, 0, sk, 1, 0};
        float[] q = {1, 1, 1, 1, 1};
        float[] k = new float[sk];
        float[] v = new float[2 * sk];
        for (int j = 0; j < sk; j++) {
            k[j] = j;
            v[2 * j] = j;
            v[2 * j + 1] = -j;
        }
        float[] mask = new float[sq * sk];
        java.util.Arrays.fill(mask, Float.NEGATIVE_INFINITY);
        for (int i : new int[] {1, 2, 4}) {
            mask[i * sk + sk - 1] = 0;
        }
        float[] out = new float[2 * sq];
        attention.run(g, 1f, q, k, v, mask, out);
        for (int i = 0; i < sq; i++) {
            if (i == 0 || i == 3) {
                assertTrue(Float.isNaN(out[2 * i]) && Float.isNaN(out[2 * i + 1]), "row " + i + " masked out");
            } else {
                assertEquals(sk - 1, out[2 * i], 0f, "row " + i);
                assertEquals(-(sk - 1), out[2 * i + 1], 0f, "row " + i);
            }
        }
    }

    @Test
    void anOperandOutsideItsArrayIsRefusedWithItsExtent() {
        int[] g = {2, 2, 2, 2, 0, 2, 1, 0, 1, 2, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0};
        float[] small = new float[3];
        float[] four = new float[4];
        var e = assertThrows(IllegalArgumentException.class, () -> attention.run(g, 1f, small, four, four, null, four));
        assertEquals("attention operand Q reaches elements 0 to 3, outside its array of 3 elements", e.getMessage());
    }

    private static float[] random(Random r, int n, float scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (scale * (2 * r.nextDouble() - 1));
        }
        return out;
    }
}
