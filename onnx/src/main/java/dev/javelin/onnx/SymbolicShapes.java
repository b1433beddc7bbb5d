package dev.javelin.onnx;

import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Arithmetic on shapes whose dimensions may be symbolic, where the IR can express the result: a
 * product of static sizes and at most one symbol, and a quotient that leaves one such size.
 */
final class SymbolicShapes {
    private SymbolicShapes() {}

    /** The product of {@code dims} as one dimension, or null when it holds two symbols or a symbol times a size > 1. */
    static Dim product(List<Dim> dims) {
        long p = 1;
        Dim sym = null;
        for (Dim d : dims) {
            if (d.isStatic()) {
                p = Math.multiplyExact(p, d.size());
            } else if (sym == null) {
                sym = d;
            } else {
                return null;
            }
        }
        if (sym == null) {
            return Dim.of(p);
        }
        return p == 1 ? sym : null;
    }

    /**
     * The one dimension {@code x} such that {@code known} times {@code x} has as many elements as
     * {@code total}, or null when there is none the IR can express.
     */
    static Dim quotient(Shape total, List<Dim> known) {
        Map<String, Integer> symbols = new HashMap<>(total.symbolCounts());
        long staticKnown = 1;
        for (Dim d : known) {
            if (d.isStatic()) {
                staticKnown = Math.multiplyExact(staticKnown, d.size());
            } else if (symbols.merge(d.toString(), -1, Integer::sum) < 0) {
                return null;
            }
        }
        long staticTotal = total.staticProduct();
        if (staticKnown == 0 || staticTotal % staticKnown != 0) {
            return null;
        }
        List<Dim> rest = new ArrayList<>();
        rest.add(Dim.of(staticTotal / staticKnown));
        for (var e : symbols.entrySet()) {
            for (int i = 0; i < e.getValue(); i++) {
                rest.add(Dim.sym(e.getKey()));
            }
        }
        return product(rest);
    }
}
