package dev.javelin.ir.plan;

/**
 * Where a plan's buffer lives. The kernels that write {@link #PACKED} buffers are the plan's
 * load-time section: they come first and read only parameters and packed buffers. Constants are not buffers: they are literal nodes inside the kernel
 * bodies that use them (a constant that is itself an output gets a one-node kernel and an arena
 * buffer).
 */
public enum Storage {
    /** Fed by the caller at each run (a graph input); read-only to kernels. */
    INPUT,
    /**
     * Persistent state outside the arena (parameters, optimizer state); read-only to kernels, its
     * new value comes from an {@code assign} binding after the run.
     */
    PARAMETER,
    /** A temporary at a byte offset in the one arena; outputs live here too and are copied out. */
    ARENA,
    /**
     * Persistent like a parameter, but computed from parameters by the plan's load-time kernels
     * (weights pre-packed into the layout a kernel wants, products of parameters): a runtime runs
     * those kernels once when the parameters are loaded, and every step reads the result. Never
     * bound; read-only to step kernels.
     */
    PACKED,
    /**
     * The new value of an assigned parameter, written by its kernel straight into the parameter's
     * memory: the bytes of the parameter that the assign binding naming this buffer targets. Every
     * kernel that reads the parameter's old value runs at or before the writing kernel, so nothing
     * reads the old value after it is overwritten, and the assign copies nothing.
     */
    UPDATE;

    /** The word the text form uses. */
    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
