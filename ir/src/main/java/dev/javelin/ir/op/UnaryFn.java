package dev.javelin.ir.op;

/** Elementwise functions of one operand. The text name is also the op's mnemonic. */
public enum UnaryFn {
    NEG("neg", Domain.NUMERIC),
    ABS("abs", Domain.NUMERIC),
    SIGN("sign", Domain.NUMERIC),
    EXP("exp", Domain.FLOAT),
    EXPM1("expm1", Domain.FLOAT),
    LOG("log", Domain.FLOAT),
    LOG1P("log1p", Domain.FLOAT),
    SQRT("sqrt", Domain.FLOAT),
    RSQRT("rsqrt", Domain.FLOAT),
    RECIPROCAL("reciprocal", Domain.FLOAT),
    TANH("tanh", Domain.FLOAT),
    SIGMOID("sigmoid", Domain.FLOAT),
    ERF("erf", Domain.FLOAT),
    SIN("sin", Domain.FLOAT),
    COS("cos", Domain.FLOAT),
    FLOOR("floor", Domain.FLOAT),
    CEIL("ceil", Domain.FLOAT),
    NOT("not", Domain.BOOL);

    /** Which dtypes a function accepts. */
    public enum Domain {
        NUMERIC,
        FLOAT,
        BOOL
    }

    private final String text;
    private final Domain domain;

    UnaryFn(String text, Domain domain) {
        this.text = text;
        this.domain = domain;
    }

    public String text() {
        return text;
    }

    public Domain domain() {
        return domain;
    }

    /** The function whose text name is {@code text}, or null. */
    public static UnaryFn fromText(String text) {
        for (UnaryFn f : values()) {
            if (f.text.equals(text)) {
                return f;
            }
        }
        return null;
    }
}
