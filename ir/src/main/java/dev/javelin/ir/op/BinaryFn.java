package dev.javelin.ir.op;

/**
 * Elementwise functions of two operands of the same dtype. Comparisons give {@code bool}; logical
 * functions take {@code bool}. Integer division truncates toward zero (as in C, CUDA and Java).
 */
public enum BinaryFn {
    ADD("add", Domain.NUMERIC),
    SUB("sub", Domain.NUMERIC),
    MUL("mul", Domain.NUMERIC),
    DIV("div", Domain.NUMERIC),
    POW("pow", Domain.FLOAT),
    MAX("max", Domain.NUMERIC),
    MIN("min", Domain.NUMERIC),
    EQ("eq", Domain.COMPARE),
    NE("ne", Domain.COMPARE),
    LT("lt", Domain.COMPARE),
    LE("le", Domain.COMPARE),
    GT("gt", Domain.COMPARE),
    GE("ge", Domain.COMPARE),
    AND("and", Domain.LOGICAL),
    OR("or", Domain.LOGICAL);

    /** Which dtypes a function accepts and what it returns. */
    public enum Domain {
        NUMERIC,
        FLOAT,
        COMPARE,
        LOGICAL
    }

    private final String text;
    private final Domain domain;

    BinaryFn(String text, Domain domain) {
        this.text = text;
        this.domain = domain;
    }

    public String text() {
        return text;
    }

    public Domain domain() {
        return domain;
    }

    public boolean isComparison() {
        return domain == Domain.COMPARE;
    }

    /** The function whose text name is {@code text}, or null. */
    public static BinaryFn fromText(String text) {
        for (BinaryFn f : values()) {
            if (f.text.equals(text)) {
                return f;
            }
        }
        return null;
    }
}
