package dev.javelin.llm.train;

import dev.javelin.dsl.data.DataException;
import dev.javelin.dsl.data.Dataset;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.Map;

/**
 * The windows of {@code seq + 1} consecutive tokens of a range of a {@link TokenFile}, one example
 * per start position: {@code input_ids} the first {@code seq} tokens, {@code labels} the {@code seq}
 * tokens after them (each position's next token), both i64 {@code [seq]}. A shuffled {@link
 * dev.javelin.dsl.data.DataLoader} over it draws random windows, reproducibly from its seed.
 */
public final class TokenWindows implements Dataset {
    private final TokenFile tokens;
    private final long from;
    private final int seq;
    private final int size;

    TokenWindows(TokenFile tokens, long from, long to, int seq) {
        if (seq < 1) {
            throw new DataException("a window needs at least 1 token, found seq " + seq);
        }
        if (to - from < seq + 1L) {
            throw new DataException("tokens " + from + " to " + to + " of " + tokens.path() + " hold no window of "
                    + (seq + 1) + " tokens");
        }
        this.tokens = tokens;
        this.from = from;
        this.seq = seq;
        this.size = (int) Math.min(Integer.MAX_VALUE, to - from - seq);
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Map<String, TensorType> exampleTypes() {
        TensorType t = TensorType.of(DType.I64, seq);
        return Map.of("input_ids", t, "labels", t);
    }

    @Override
    public Map<String, NdArray> batch(int[] indices) {
        long[] ids = new long[indices.length * seq];
        long[] labels = new long[indices.length * seq];
        for (int b = 0; b < indices.length; b++) {
            int i = indices[b];
            if (i < 0 || i >= size) {
                throw new DataException("window " + i + " is outside [0, " + size + ")");
            }
            long start = from + i;
            for (int j = 0; j < seq; j++) {
                ids[b * seq + j] = tokens.get(start + j);
                labels[b * seq + j] = tokens.get(start + j + 1);
            }
        }
        long[] shape = {indices.length, seq};
        return Map.of(
                "input_ids",
                NdArray.ofLongs(DType.I64, shape, ids),
                "labels",
                NdArray.ofLongs(DType.I64, shape, labels));
    }
}
