package dev.javelin.passes.fuse;

/**
 * Why fusion did not merge two groups into one kernel. Each reason holds what its text needs (the
 * nodes as {@code %name (op)}, the counts); {@link #counter()} is the pass counter it adds to in
 * the first sweep.
 */
public sealed interface Refusal {
    /** One line, without the nodes of the merge: what {@code --explain-fusion} prints after "refused, ". */
    String text();

    /**
     * The counter of the fuse pass this refusal counts in ({@code rejected-shape}, ...), or empty
     * for one that is not counted.
     */
    String counter();

    /** A reason about the kernel shape the union would have: none of the shapes codegen knows holds it. */
    sealed interface Shape extends Refusal {
        @Override
        default String counter() {
            return "rejected-shape";
        }
    }

    /**
     * One side is closed: the multi-tensor update (formed first, it takes nothing more) or a
     * constant that an output or assign needs in a buffer.
     */
    record Closed(String kernel) implements Refusal {
        @Override
        public String text() {
            return kernel + " is closed to further fusion";
        }

        @Override
        public String counter() {
            return "";
        }
    }

    /** The union would pass {@link Fusion#MAX_GROUP_NODES}. */
    record TooLarge(int nodes, int max) implements Refusal {
        @Override
        public String text() {
            return "group too large: " + nodes + " nodes counting folded views, at most " + max;
        }

        @Override
        public String counter() {
            return "rejected-size";
        }
    }

    /** One side is load-time work (frozen parameters and constants only), the other needs per-step values. */
    record KeptForLoad(String loadTime, String perStep) implements Refusal {
        @Override
        public String text() {
            return "load-time work kept apart: " + loadTime + " depends only on parameters no assign changes, "
                    + perStep + " on per-step values";
        }

        @Override
        public String counter() {
            return "kept-for-load";
        }
    }

    /** A path leaves one group through another kernel and comes back to the other group. */
    record Cycle(String through) implements Refusal {
        @Override
        public String text() {
            return "would form a cycle: " + through + " is in another kernel that needs the first and feeds the second";
        }

        @Override
        public String counter() {
            return "rejected-cycle";
        }
    }

    /** The target's {@link FusionVeto} refused the merge. */
    record Vetoed(String target, String reason) implements Refusal {
        @Override
        public String text() {
            return "vetoed by the " + target + " target: " + reason;
        }

        @Override
        public String counter() {
            return "rejected-veto";
        }
    }

    /** Two ops with their own loop nests (contraction, convolution, pooling, gather, ...). */
    record TwoHeavy(String a, String b) implements Shape {
        @Override
        public String text() {
            return "a kernel has at most one op with its own loop nest, found " + a + " and " + b;
        }
    }

    /** A reduction next to an op with its own loop nest. */
    record HeavyWithReduction(String heavy, String reduction) implements Shape {
        @Override
        public String text() {
            return "a reduction cannot share a kernel with " + heavy + ", found " + reduction;
        }
    }

    /** A pointwise kernel would write a value smaller than its iteration space. */
    record PointwiseSize(String node, long got, long want) implements Shape {
        @Override
        public String text() {
            return "a pointwise kernel writes only values of its domain's element count (" + node + " has " + got
                    + ", want " + want + ")";
        }
    }

    /** Two reductions that reduce different shapes or over different axes. */
    record ReductionMismatch(String a, String aReduces, String b, String bReduces) implements Shape {
        @Override
        public String text() {
            return "the reductions of one kernel must reduce the same shape over the same axes (" + a + " reduces "
                    + aReduces + ", " + b + " reduces " + bReduces + ")";
        }
    }

    /** A member of a reduction kernel at neither the full, the kept nor a single element's count. */
    record ReductionSize(String node, long got, long full, long kept) implements Shape {
        @Override
        public String text() {
            return "a reduction kernel's values must have the full (" + full + "), the kept (" + kept
                    + ") or one element (" + node + " has " + got + ")";
        }
    }

    /** A member computed before the heavy op that no matmul prologue can hold. */
    record Prologue(String node, String heavy, String why) implements Shape {
        @Override
        public String text() {
            return "no prologue of " + heavy + " can hold " + node + ": " + why;
        }
    }

    /** A member computed after (or beside) the heavy op at another element count than its output. */
    record EpilogueSize(String heavyOp, String node, long got, long want) implements Shape {
        @Override
        public String text() {
            return "a " + heavyOp + " epilogue must have the output's element count (got " + got + " in " + node
                    + ", want " + want + ")";
        }
    }

    /**
     * An attention pattern ({@link AttentionGroups}) whose intermediate {@code node} (the scores, the
     * maximum, the exponentials, the sum or the probabilities) is also read by {@code user} outside
     * it: one kernel would have to write that value anyway (a training graph's backward reads the
     * probabilities), so the pattern stays three kernels.
     */
    record AttentionUsedOutside(String node, String user) implements Refusal {
        @Override
        public String text() {
            return "no attention kernel: " + node + " is also used by " + user
                    + " outside the pattern, so the scores, softmax and product stay apart";
        }

        @Override
        public String counter() {
            return "rejected-attention";
        }
    }
}
