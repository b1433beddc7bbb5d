package dev.javelin.codegen.cuda;

import dev.javelin.ir.kernel.Ref;
import dev.javelin.ir.type.DType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The typed pointers one generated function uses. Every kernel receives the memory block as
 * {@code char* m}; a program-memory {@link Ref} is a typed view of the whole block ({@code mf} for
 * f32, ...), a scratch or constant {@link Ref} a typed pointer to its own region of the block.
 * Only the pointers a function touches are declared (nvcc warns about unused ones).
 */
final class CudaRefs {
    private final Map<String, Long> regions;
    private final Map<String, String> used = new LinkedHashMap<>();

    /** {@code regions}: byte offsets of scratch and constant arrays, by name. */
    CudaRefs(Map<String, Long> regions) {
        this.regions = regions;
    }

    String load(Ref r, String index) {
        use(r);
        String e = r.array() + "[" + index + "]";
        return r.dtype() == DType.BOOL ? "(" + e + " != 0)" : e;
    }

    String store(Ref r, String index, String value) {
        use(r);
        String v = r.dtype() == DType.BOOL ? "(unsigned char) (" + value + ")" : value;
        return r.array() + "[" + index + "] = " + v + ";";
    }

    /** The pointer to element 0 of {@code r} (for templates that take pointers). */
    String pointer(Ref r) {
        use(r);
        return r.array();
    }

    private void use(Ref r) {
        String type = CudaTypes.storage(r.dtype());
        String init = r.kind() == Ref.Kind.MEMORY ? "(" + type + "*) m" : "(" + type + "*) (m + " + offset(r) + ")";
        used.putIfAbsent(r.array(), type + "* const " + r.array() + " = " + init + ";");
    }

    private long offset(Ref r) {
        Long o = regions.get(r.array());
        if (o == null) {
            throw new IllegalStateException("no region for array " + r.array());
        }
        return o;
    }

    /** The declarations of every pointer used so far, one per line, with {@code indent}. */
    String declarations(String indent) {
        StringBuilder b = new StringBuilder();
        for (String d : used.values()) {
            b.append(indent).append(d).append('\n');
        }
        return b.toString();
    }
}
