package dev.javelin.ir.autodiff;

import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import java.util.List;

/**
 * A user-given gradient for one value (the analogue of {@code torch.autograd.Function}): autodiff
 * treats the value as a function of {@code inputs} alone, and instead of differentiating the nodes
 * that computed it, calls {@code backward} with the value's gradient to get one gradient per input
 * (each of that input's type; null for "none").
 */
public record GradientOverride(List<Value> inputs, Backward backward) {
    public GradientOverride {
        inputs = List.copyOf(inputs);
    }

    /** Builds the inputs' gradients from the output's gradient, appending nodes to {@code b}. */
    @FunctionalInterface
    public interface Backward {
        List<Value> apply(GraphBuilder b, Value gradOutput);
    }
}
