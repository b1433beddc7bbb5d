package dev.javelin.passes.fuse;

/** The kernel a merge makes, as far as fusion is concerned; its counter is {@code fused-<text>}. */
public enum KernelShape {
    POINTWISE("pointwise"),
    REDUCTION("reduction"),
    /** One op with its own loop nest and elementwise work after it (or beside it). */
    EPILOGUE("epilogue"),
    /** A matmul with pointwise work on its operands (and perhaps an epilogue). */
    PROLOGUE("prologue"),
    /**
     * Scaled dot-product attention: {@code matmul(Q, Kᵀ)}, a scale, maybe a mask, the softmax and
     * {@code matmul(P, V)}, formed as a whole by {@link AttentionGroups}, never by a merge.
     */
    ATTENTION("attention");

    private final String text;

    KernelShape(String text) {
        this.text = text;
    }

    public String text() {
        return text;
    }
}
