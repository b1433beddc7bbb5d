package dev.javelin.ir.op;

/** What a {@link RandomOp} draws. */
public enum Distribution {
    /** Uniform in [0, 1). */
    UNIFORM("random_uniform"),
    /** Standard normal (mean 0, variance 1), by Box-Muller. */
    NORMAL("random_normal");

    private final String mnemonic;

    Distribution(String mnemonic) {
        this.mnemonic = mnemonic;
    }

    public String mnemonic() {
        return mnemonic;
    }
}
