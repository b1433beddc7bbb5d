package dev.javelin.ir.op;

/** What a pooling window computes. */
public enum PoolKind {
    /** Largest element; padding counts as -inf. */
    MAX("max_pool2d"),
    /** Mean over the whole window, padding counted as zeros (PyTorch's count_include_pad=True). */
    AVG("avg_pool2d");

    private final String mnemonic;

    PoolKind(String mnemonic) {
        this.mnemonic = mnemonic;
    }

    /** The forward op's mnemonic, e.g. {@code max_pool2d}. */
    public String mnemonic() {
        return mnemonic;
    }

    /** The mnemonic of its gradient op, {@link Pool2dBackprop}: e.g. {@code max_pool2d_backprop}. */
    public String backpropMnemonic() {
        return mnemonic + "_backprop";
    }
}
