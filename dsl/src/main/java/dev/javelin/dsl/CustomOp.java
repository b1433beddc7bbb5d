package dev.javelin.dsl;

import dev.javelin.ir.autodiff.GradientOverride;
import dev.javelin.ir.graph.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An operation with a forward and a backward both written in the DSL, the analogue of {@code
 * torch.autograd.Function}: the forward's ops compute the value, and autodiff uses {@link #backward}
 * for its gradient instead of differentiating them.
 *
 * <pre>{@code
 * final class MyRelu extends CustomOp {
 *     protected Tensor forward(Tensor... in) { return in[0].max(0); }
 *     protected Tensor[] backward(Tensor[] in, Tensor out, Tensor grad) {
 *         return new Tensor[] {in[0].gt(0).where(grad, grad.scalar(0))};
 *     }
 * }
 * Tensor y = new MyRelu().apply(x);
 * }</pre>
 */
public abstract class CustomOp {

    /** A custom op; a subclass holds whatever configuration its forward and backward need. */
    public CustomOp() {}

    /**
     * The value, from the inputs.
     *
     * @param inputs the inputs given to {@link #apply}
     * @return the output, a tensor of the inputs' net
     */
    protected abstract Tensor forward(Tensor... inputs);

    /**
     * One gradient per input (its type; null for none), from the output's gradient {@code grad}.
     *
     * @param inputs the inputs given to {@link #apply}
     * @param output the output {@link #forward} computed
     * @param grad the gradient of the loss with respect to {@code output}
     * @return the gradient of the loss with respect to each input
     */
    protected abstract Tensor[] backward(Tensor[] inputs, Tensor output, Tensor grad);

    /**
     * Records the forward and registers the backward for the result.
     *
     * @param inputs the inputs, at least one, all of one net
     * @return the output, whose gradient autodiff takes from {@link #backward}
     * @throws IllegalArgumentException if there is no input, or {@link #forward} returns a tensor of another net
     */
    public final Tensor apply(Tensor... inputs) {
        if (inputs.length == 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": a custom op needs at least one input");
        }
        Net net = inputs[0].net();
        int before = net.builder().nodes().size();
        Tensor out = forward(inputs);
        if (out.net() != net) {
            throw new IllegalArgumentException(
                    getClass().getSimpleName() + ": forward returned a tensor of another net");
        }
        if (net.builder().nodes().indexOf(net.builder().node(out.value())) < before) {
            // The result must be a node of this op alone, or the override would change other uses.
            out = out.reshape(out.shape().dims().toArray());
        }
        Tensor output = out;
        List<Value> ins = Arrays.stream(inputs).map(Tensor::value).toList();
        net.overrideGradient(output, new GradientOverride(ins, (b, g) -> {
            Tensor[] given = backward(inputs.clone(), output, net.tensor(g));
            if (given == null || given.length != inputs.length) {
                throw new IllegalArgumentException(getClass().getSimpleName() + ".backward must return " + inputs.length
                        + " gradients, found " + (given == null ? "null" : given.length));
            }
            List<Value> vs = new ArrayList<>();
            for (Tensor t : given) {
                vs.add(t == null ? null : t.value());
            }
            return vs;
        }));
        return output;
    }
}
