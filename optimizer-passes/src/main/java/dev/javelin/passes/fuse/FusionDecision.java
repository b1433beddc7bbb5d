package dev.javelin.passes.fuse;

import java.util.Optional;

/**
 * One merge fusion considered, between the group of {@code producer} and the group of {@code
 * consumer} (named by the edge between them, as {@code %name (op)}): made, with its kernel shape
 * and score, or refused, with the reason.
 */
public record FusionDecision(
        String producer,
        String consumer,
        Optional<KernelShape> shape,
        Optional<Score> score,
        Optional<Refusal> refusal) {
    public FusionDecision {
        if (refusal.isPresent() == shape.isPresent()) {
            throw new IllegalArgumentException("a decision is either a merge with a shape or a refusal");
        }
    }

    static FusionDecision merged(String producer, String consumer, KernelShape shape, Score score) {
        return new FusionDecision(producer, consumer, Optional.of(shape), Optional.of(score), Optional.empty());
    }

    static FusionDecision refused(String producer, String consumer, Refusal why) {
        return new FusionDecision(producer, consumer, Optional.empty(), Optional.empty(), Optional.of(why));
    }

    public boolean accepted() {
        return refusal.isEmpty();
    }

    /**
     * {@code %3 (exp) + %4 (div): fused (reduction), score ...} or {@code %2 (reduce_sum) + %5
     * (matmul): refused, <reason>}.
     */
    public String text() {
        String head = producer + " + " + consumer + ": ";
        return accepted()
                ? head + "fused (" + shape.orElseThrow().text() + "), "
                        + score.orElseThrow().text()
                : head + "refused, " + refusal.orElseThrow().text();
    }
}
