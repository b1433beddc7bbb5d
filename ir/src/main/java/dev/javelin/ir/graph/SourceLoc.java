package dev.javelin.ir.graph;

import java.util.Set;

/**
 * Where in the user's code a node was made: a file name and line, e.g. {@code MnistMlp.java:42}.
 * {@link #UNKNOWN} for nodes made by passes or parsed from text without a location.
 *
 * <p>{@code backward} marks a node autodiff made for the gradient of the node at that line (printed
 * {@code MnistMlp.java:42 (backward)}): the user wrote the forward call there, and the gradient's
 * nodes have no line of their own. {@link #UNKNOWN} is never backward.
 */
public record SourceLoc(String file, int line, boolean backward) {
    public static final SourceLoc UNKNOWN = new SourceLoc("", 0);

    /**
     * Set where the stack does not show the user's line: by a front end that runs the DSL on the
     * user's behalf, and by autodiff and the training step, which build nodes for earlier calls.
     */
    private static final ScopedValue<SourceLoc> CALL_SITE = ScopedValue.newInstance();

    public SourceLoc {
        if (file == null || line < 0) {
            throw new IllegalArgumentException("bad source location " + file + ":" + line);
        }
        if (file.contains("\"") || file.contains("\n")) {
            throw new IllegalArgumentException("source file name must not contain quotes or newlines: " + file);
        }
        // A gradient of a node with no location has none either; one UNKNOWN keeps isKnown() the only test.
        backward &= !file.isEmpty();
    }

    /** A forward location: where the user's call made the node. */
    public SourceLoc(String file, int line) {
        this(file, line, false);
    }

    public boolean isKnown() {
        return !file.isEmpty();
    }

    /** This location marked as the gradient of the node made here (UNKNOWN stays UNKNOWN). */
    public SourceLoc toBackward() {
        return isKnown() ? new SourceLoc(file, line, true) : UNKNOWN;
    }

    /**
     * The first caller outside the given packages ({@code "pkg."}) and classes, i.e. the user's DSL call,
     * or {@link #UNKNOWN}. Frames of {@code java.} and {@code jdk.} are always skipped.
     */
    public static SourceLoc caller(Set<String> skipPrefixes) {
        if (CALL_SITE.isBound()) {
            return CALL_SITE.get();
        }
        return StackWalker.getInstance()
                .walk(frames -> frames.filter(f -> !skipped(f.getClassName(), skipPrefixes))
                        .findFirst()
                        .map(f -> new SourceLoc(
                                f.getFileName() == null ? f.getClassName() : f.getFileName(),
                                Math.max(0, f.getLineNumber())))
                        .orElse(UNKNOWN));
    }

    /**
     * Runs {@code op} with {@link #caller} answering {@code loc}, where the stack does not show the
     * user's line: the {@code @Model} processor evaluates the DSL by reflection inside javac, so the
     * first frame outside the DSL is the evaluator's own, while the user's call is the line of the
     * model's source being evaluated; autodiff builds a node's gradient long after the user's call
     * that made the node, and locates the gradient at that call ({@link #toBackward}).
     */
    public static <T, X extends Throwable> T callAt(SourceLoc loc, ScopedValue.CallableOp<T, X> op) throws X {
        return ScopedValue.where(CALL_SITE, loc).call(op);
    }

    private static boolean skipped(String cls, Set<String> prefixes) {
        if (cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith(SourceLoc.class.getName())) {
            return true;
        }
        for (String p : prefixes) {
            // "pkg." names a package (and its sub-packages); anything else is one class and its nested classes.
            if (p.endsWith(".") ? cls.startsWith(p) : cls.equals(p) || cls.startsWith(p + "$")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        if (!isKnown()) {
            return "<unknown>";
        }
        return file + ":" + line + (backward ? " (backward)" : "");
    }
}
