package dev.javelin.dsl.data;

import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A data set held in memory as named columns, each an array whose leading axis indexes the
 * examples ({@code image: f32[10000,784]}, {@code label: i64[10000]}). Columns are kept sorted by
 * name, so batches and error messages list them in a stable order. The arrays are shared, not
 * copied: do not modify them after handing them over.
 *
 * @param columns the columns by name, each with the examples along its leading axis
 */
public record ArrayDataset(SortedMap<String, NdArray> columns) implements Dataset {

    /**
     * Checks that there is at least one column and that every column has the same leading size.
     *
     * @throws DataException if there is no column, a column is null or a scalar, or the leading sizes differ
     */
    public ArrayDataset {
        if (columns == null || columns.isEmpty()) {
            throw new DataException("a data set needs at least one column, found none");
        }
        columns = Collections.unmodifiableSortedMap(new TreeMap<>(columns));
        long rows = -1;
        for (Map.Entry<String, NdArray> c : columns.entrySet()) {
            NdArray a = c.getValue();
            if (a == null) {
                throw new DataException("column '" + c.getKey() + "' is null");
            }
            if (a.rank() == 0) {
                throw new DataException("column '" + c.getKey() + "' is a scalar (" + a.type()
                        + "); a column needs a leading axis that indexes the examples");
            }
            if (rows >= 0 && a.dim(0) != rows) {
                throw new DataException(
                        "the columns disagree on the number of examples (their leading size): " + sizes(columns));
            }
            rows = a.dim(0);
        }
    }

    /**
     * A data set of the given columns (any map; the record keeps a sorted copy).
     *
     * @param columns the columns by name, each with the examples along its leading axis
     */
    public ArrayDataset(Map<String, NdArray> columns) {
        this(columns == null ? null : new TreeMap<>(columns));
    }

    private static String sizes(Map<String, NdArray> columns) {
        StringBuilder b = new StringBuilder();
        columns.forEach((name, a) ->
                b.append(b.isEmpty() ? "" : ", ").append(name).append(" has ").append(a.dim(0)));
        return b.toString();
    }

    @Override
    public int size() {
        return (int) columns.firstEntry().getValue().dim(0);
    }

    @Override
    public Map<String, TensorType> exampleTypes() {
        Map<String, TensorType> m = new LinkedHashMap<>();
        columns.forEach((name, a) -> {
            Shape s = a.type().shape();
            m.put(name, new TensorType(a.dtype(), s.sub(1, s.rank())));
        });
        return Collections.unmodifiableMap(m);
    }

    @Override
    public Map<String, NdArray> batch(int[] indices) {
        int n = size();
        for (int k = 0; k < indices.length; k++) {
            if (indices[k] < 0 || indices[k] >= n) {
                throw new DataException("index " + indices[k] + " (position " + k + " of the batch) is outside a data"
                        + " set of " + n + " examples");
            }
        }
        Map<String, NdArray> out = new LinkedHashMap<>();
        columns.forEach((name, a) -> out.put(name, gather(a, indices)));
        return Collections.unmodifiableMap(out);
    }

    /** Rows {@code indices} of {@code a} into a new array; integers copy as longs so i64 stays exact. */
    static NdArray gather(NdArray a, int[] indices) {
        long[] shape = a.shape();
        int row = shape[0] == 0 ? 0 : a.size() / (int) shape[0];
        shape[0] = indices.length;
        NdArray out = NdArray.zeros(a.dtype(), shape);
        boolean ints = a.dtype().isInteger();
        for (int k = 0; k < indices.length; k++) {
            int src = indices[k] * row;
            int dst = k * row;
            for (int e = 0; e < row; e++) {
                if (ints) {
                    out.setLong(dst + e, a.getLong(src + e));
                } else {
                    out.set(dst + e, a.get(src + e));
                }
            }
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ArrayDataset(" + size() + " examples");
        exampleTypes()
                .forEach((name, t) -> b.append(", ").append(name).append(": ").append(t));
        return b.append(')').toString();
    }
}
