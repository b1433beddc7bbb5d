package dev.javelin.ir.kernel;

import dev.javelin.ir.type.DType;

/**
 * Where elements live: the program's memory block (viewed with elements of {@code dtype}, indexed by
 * element) or an array the generated code owns (CPU scratch and constants). {@code array} is the
 * name the backend prints; {@code produced} marks places the kernel itself writes, which a loop may
 * not read back except at the element it writes (see {@link Hazards}).
 */
public record Ref(String array, DType dtype, Kind kind, boolean produced) {
    public enum Kind {
        /** The program's memory block. */
        MEMORY,
        /** An array of the generated code, of the dtype's element type. */
        ARRAY
    }

    public Ref asProduced() {
        return new Ref(array, dtype, kind, true);
    }
}
