package dev.javelin.ir.op;

/** Reductions over axes; the mnemonic is {@code reduce_<text>}. Empty reductions give the identity. */
public enum ReduceFn {
    SUM("sum"),
    MAX("max"),
    MIN("min");

    private final String text;

    ReduceFn(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }

    /** The reduction whose text name is {@code text}, or null. */
    public static ReduceFn fromText(String text) {
        for (ReduceFn f : values()) {
            if (f.text.equals(text)) {
                return f;
            }
        }
        return null;
    }
}
