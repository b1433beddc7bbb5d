package dev.javelin.dsl.train;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.value.NdArray;
import java.util.Locale;
import java.util.Map;

/** Where the trainer runs its graphs. Only the reference interpreter exists so far; compiled backends come next. */
public enum Backend {
    /** The float64 reference interpreter: exact and slow. */
    INTERPRETER;

    /** Runs {@code g} once on {@code feeds}. */
    public Interpreter.Result run(Graph g, Map<String, NdArray> feeds) {
        return switch (this) {
            case INTERPRETER -> Interpreter.run(g, feeds);
        };
    }

    /** By command-line name. */
    public static Backend named(String name) {
        for (Backend b : values()) {
            if (b.name().toLowerCase(Locale.ROOT).equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "' (available: interpreter; simd and cuda"
                + " arrive with the compiled backends)");
    }
}
