package dev.javelin.llm;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * The key/value cache of a decoding net: per layer, the keys and values of every position so far,
 * {@code [1, kvHeads, length, headDim]}, held as state parameters ({@code cache.k.<layer>}, {@code
 * cache.v.<layer>}) that the net updates in place. A prefill net writes the first {@code T}
 * positions of a prompt at once; a decode net writes one position, given by its {@code position}
 * input, and attends to every position up to it.
 */
public final class KvCache {
    /** What the mask adds to a score of a position not yet written (or later than the query). */
    static final double MASKED = -1e9;

    private final Net net;
    private final int length;
    private final Tensor start;
    private final List<String> paths = new ArrayList<>();

    /**
     * A cache of {@code length} positions in {@code net}.
     *
     * @param net the net being traced
     * @param length the positions it holds
     * @param start the position of the first new token: null for a prefill (position 0), else an
     *     i64 {@code [1]} input
     */
    public KvCache(Net net, int length, Tensor start) {
        this.net = net;
        this.length = length;
        this.start = start;
    }

    /**
     * The position of the first new token, or null for a prefill from position 0.
     *
     * @return the i64 {@code [1]} position, or null
     */
    public Tensor start() {
        return start;
    }

    /**
     * The positions the cache holds.
     *
     * @return its length
     */
    public int length() {
        return length;
    }

    /**
     * The cache's parameter paths, in the order they were made.
     *
     * @return the paths
     */
    public List<String> paths() {
        return List.copyOf(paths);
    }

    /**
     * Writes the new keys or values of layer {@code layer} into the cache and returns the whole
     * cache as it is after the write (what attention reads).
     *
     * @param kind {@code "k"} or {@code "v"}
     * @param layer the layer
     * @param fresh the new positions' keys or values, {@code [1, kvHeads, T, headDim]}
     * @return the updated cache, {@code [1, kvHeads, length, headDim]}
     */
    public Tensor write(String kind, int layer, Tensor fresh) {
        long heads = fresh.shape().dim(1).size();
        long t = fresh.shape().dim(2).size();
        long hd = fresh.shape().dim(3).size();
        String path = "cache." + kind + "." + layer;
        Param p = Param.state(Initializer.zeros(), 1, heads, length, hd);
        Tensor old = net.parameter(path, p);
        paths.add(path);
        Tensor updated;
        if (start == null) {
            // a prefill writes positions 0 .. T-1; the rest is never read before a decode writes it
            updated = t == length
                    ? fresh
                    : Tensor.concat(
                            2,
                            fresh,
                            net.constant(
                                    TensorType.of(DType.F32, 1, heads, length - t, hd),
                                    new double[(int) (heads * (length - t) * hd)]));
        } else {
            if (t != 1) {
                throw new IllegalArgumentException("a decode step writes one position, found " + t);
            }
            Tensor here = positions().eq(start).reshape(1, 1, (long) length, 1L);
            updated = here.where(fresh.broadcastTo(Shape.of(1, heads, length, hd)), old);
        }
        net.assign(p, updated);
        return updated;
    }

    /**
     * What to add to the scores {@code [.., T, length]} of {@code t} new tokens: 0 where a query may
     * look (its own position and earlier ones), {@link #MASKED} elsewhere.
     *
     * @param t how many new tokens the net takes
     * @return the mask, f32 {@code [T, length]}
     */
    public Tensor mask(int t) {
        if (start == null) {
            return causal(net, t, length);
        }
        Tensor later = positions().gt(start).reshape(1L, (long) length);
        return later.where(net.scalar(MASKED, DType.F32), net.scalar(0, DType.F32));
    }

    /**
     * The causal mask of a sequence from position 0: {@code [rows, length]}, 0 where query {@code i}
     * may look (positions {@code j <= i}), {@link #MASKED} after. The models' full-sequence nets
     * ({@code rows == length}) and a prefill share it.
     *
     * @param net the net being traced
     * @param rows the queries
     * @param length the keys
     * @return the mask, f32
     */
    public static Tensor causal(Net net, int rows, int length) {
        double[] v = new double[rows * length];
        for (int i = 0; i < rows; i++) {
            for (int j = i + 1; j < length; j++) {
                v[i * length + j] = MASKED;
            }
        }
        return net.constant(TensorType.of(DType.F32, rows, length), v);
    }

    /** {@code 0 .. length-1}, i64. */
    private Tensor positions() {
        return net.tensor(net.builder().add(new Iota(TensorType.of(DType.I64, length), 0)));
    }
}
