package dev.javelin.dsl;

/** Loss functions, each a scalar; composites of primitives like those of {@link F}. */
public final class Loss {
    private Loss() {}

    /** Whether a loss sums or averages over elements. */
    public enum Reduction {
        /**
         * Sum over every element: the loss grows with the batch size.
         */
        SUM,
        /**
         * Mean over every element: the loss does not depend on the batch size.
         */
        MEAN
    }

    /**
     * Squared error {@code (pred - target)^2}, summed or averaged over every element.
     *
     * @param pred the predictions
     * @param target the targets, of pred's shape (or broadcast to it)
     * @param reduction whether to sum or average
     * @return the loss, a scalar
     */
    public static Tensor squaredError(Tensor pred, Tensor target, Reduction reduction) {
        Tensor d = pred.sub(target);
        Tensor sq = d.mul(d);
        return reduction == Reduction.SUM ? sq.sum() : sq.mean();
    }

    /**
     * Softmax cross-entropy of {@code logits [.., classes]} against integer {@code labels [..]},
     * averaged over the examples; computed through log-softmax, so large logits never overflow.
     * Labels must lie in {@code [0, classes)}; the trainer checks fed labels against that range.
     *
     * @param logits the unnormalized scores, {@code [.., classes]}
     * @param labels the class indices, i32 or i64
     * @return the mean loss, a scalar
     */
    public static Tensor crossEntropy(Tensor logits, Tensor labels) {
        return nll(F.logSoftmax(logits, -1), labels);
    }

    /**
     * Negative log-likelihood of log-probabilities {@code [.., classes]} at integer {@code labels}, averaged.
     *
     * @param logProbs the log-probabilities, {@code [.., classes]}
     * @param labels the class indices, i32 or i64
     * @return the mean loss, a scalar
     */
    public static Tensor nll(Tensor logProbs, Tensor labels) {
        long classes = logProbs.shape().dim(logProbs.rank() - 1).size();
        logProbs.net().requireLabelRange(labels, classes);
        Tensor picked =
                logProbs.mul(F.oneHot(labels, classes, logProbs.dtype())).sum(false, -1);
        return picked.mean().neg();
    }
}
