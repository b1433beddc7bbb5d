package dev.javelin.compiler.exec;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import dev.javelin.runtime.Executor;
import dev.javelin.runtime.ProgramLayout;
import java.util.Map;

/**
 * Host tensors ({@link NdArray}) into and out of a compiled program (CPU or CUDA), by binding role
 * ({@code input}, {@code parameter}, {@code output}) and name, in each buffer's own dtype.
 */
public final class Feeds {
    private Feeds() {}

    public static void set(Executor ex, String role, String name, NdArray v) {
        switch (v.dtype()) {
            case F32 -> {
                float[] f = new float[v.size()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) v.get(i);
                }
                ex.set(role, name, f);
            }
            case F64, F16, BF16 -> ex.set(role, name, v.toDoubles());
            case I32, I64, BOOL -> ex.set(role, name, v.toLongs());
        }
    }

    /** Every input and parameter of {@code g} from {@code feeds}, by name. */
    public static void setAll(Executor ex, Graph g, Map<String, NdArray> feeds) {
        for (Node n : g.inputs()) {
            set(ex, "input", n.name(), feeds.get(n.name()));
        }
        for (Node n : g.parameters()) {
            set(ex, "parameter", n.name(), feeds.get(n.name()));
        }
    }

    public static NdArray get(Executor ex, String role, String name) {
        ProgramLayout.Slot s = ex.layout().slot(buffer(ex, role, name));
        DType t = DType.fromText(s.dtype());
        return switch (t) {
            case F32 -> {
                float[] f = ex.get(role, name);
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                yield NdArray.of(t, s.shape(), d);
            }
            case F64, F16, BF16 -> NdArray.of(t, s.shape(), ex.getDoubles(role, name));
            case I32, I64, BOOL -> NdArray.ofLongs(t, s.shape(), ex.getLongs(role, name));
        };
    }

    private static String buffer(Executor ex, String role, String name) {
        for (ProgramLayout.Bind b : ex.layout().bindings(role)) {
            if (b.name().equals(name)) {
                return b.buffer();
            }
        }
        throw new IllegalArgumentException("program " + ex.layout().name() + " has no " + role + " '" + name + "'");
    }
}
