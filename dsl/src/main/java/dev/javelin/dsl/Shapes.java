package dev.javelin.dsl;

import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Shape arithmetic for the DSL: {@code -1} in a reshape. */
final class Shapes {
    private Shapes() {}

    static Shape resolve(Shape from, Object... dims) {
        List<Dim> out = new ArrayList<>();
        int infer = -1;
        for (int i = 0; i < dims.length; i++) {
            Object d = dims[i];
            if ((d instanceof Integer n && n == -1) || (d instanceof Long l && l == -1)) {
                if (infer >= 0) {
                    throw new IllegalArgumentException(
                            "reshape to " + java.util.Arrays.toString(dims) + ": only one dimension can be -1");
                }
                infer = i;
                out.add(Dim.of(1));
            } else {
                out.add(Shape.dims(d).dim(0));
            }
        }
        if (infer < 0) {
            return new Shape(out);
        }
        Shape partial = new Shape(out);
        Map<String, Integer> need = new HashMap<>(from.symbolCounts());
        partial.symbolCounts().forEach((k, v) -> need.merge(k, -v, Integer::sum));
        need.values().removeIf(v -> v == 0);
        if (!need.isEmpty() || from.staticProduct() % partial.staticProduct() != 0) {
            throw new IllegalArgumentException("cannot reshape " + from + " to " + java.util.Arrays.toString(dims)
                    + ": the -1 dimension is not a whole number of elements");
        }
        out.set(infer, Dim.of(from.staticProduct() / partial.staticProduct()));
        return new Shape(out);
    }
}
