package dev.javelin.dsl.train;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.ir.autodiff.Autodiff;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.SourceLoc;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.type.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Builds a whole training step as one graph: the forward pass and loss already traced in a net,
 * then reverse-mode gradients of the loss for every trainable parameter, then the optimizer's
 * updates as {@code assign}s. The learning rate is the f32 scalar input {@code lr}; the graph's
 * output {@code loss} is the loss before the update.
 */
public final class TrainStep {
    private TrainStep() {}

    /**
     * The training step of {@code loss}, traced in {@code net}, with {@code optimizer}'s updates.
     *
     * @param net the net the forward pass and loss were traced in, with its modules registered
     * @param loss the scalar loss
     * @param optimizer the optimizer whose updates end the step
     * @return the step's graph, with the input {@code lr} and the output {@code loss}
     */
    public static Graph build(Net net, Tensor loss, Optimizer optimizer) {
        Map<String, Param> trainable = new LinkedHashMap<>();
        net.usedParams().forEach((path, p) -> {
            if (p.trainable()) {
                trainable.put(path, p);
            }
        });
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("model " + net.builder().name() + " has no trainable parameters");
        }
        List<Tensor> params = new ArrayList<>();
        List<String> paths = new ArrayList<>(trainable.keySet());
        List<Value> wrt = new ArrayList<>();
        for (Param p : trainable.values()) {
            Tensor t = p.on(net);
            params.add(t);
            wrt.add(t.value());
        }
        GraphBuilder b = net.builder();
        List<Value> grads = Autodiff.gradients(b, loss.value(), wrt, net.gradientOverrides());
        // The step's own inputs and state belong to no parameter: they sit at the loss's line, the
        // objective this step minimizes (the stack would name whoever asked for the step).
        Step step = at(b.node(loss.value()).loc(), () -> stepInputs(net, optimizer));
        List<Tensor> raw = new ArrayList<>();
        for (Value g : grads) {
            raw.add(net.tensor(g));
        }
        List<Tensor> gradients =
                optimizer.clipNorm() > 0 ? at(b.node(loss.value()).loc(), () -> clip(raw, optimizer.clipNorm())) : raw;
        for (int i = 0; i < params.size(); i++) {
            Tensor param = params.get(i);
            Tensor grad = gradients.get(i);
            String path = paths.get(i);
            // Each parameter's update sits at the parameter's line (where its module was registered).
            at(b.node(param.value()).loc(), () -> {
                optimizer.update(net, path, param, grad, step.lr(), step.t());
                return null;
            });
        }
        net.output("loss", loss);
        return net.build();
    }

    /**
     * The gradients scaled by {@code min(1, maxNorm / norm)}, {@code norm} the L2 norm of all of them
     * together; the norm is summed in f32 (the gradients' type).
     */
    private static List<Tensor> clip(List<Tensor> grads, double maxNorm) {
        Tensor squares = null;
        for (Tensor g : grads) {
            Tensor s = g.mul(g).sum();
            squares = squares == null ? s : squares.add(s);
        }
        // maxNorm / max(norm, maxNorm): 1 below the limit, and never a division by a zero norm
        Tensor norm = squares.sqrt();
        Tensor scale = norm.scalar(maxNorm).div(norm.max(maxNorm));
        List<Tensor> out = new ArrayList<>();
        for (Tensor g : grads) {
            out.add(g.mul(scale));
        }
        return out;
    }

    /** Runs {@code op} with the nodes it adds located at {@code loc}, if known (else at the stack's caller). */
    private static <T> T at(SourceLoc loc, Supplier<T> op) {
        return loc.isKnown() ? SourceLoc.callAt(loc, op::get) : op.get();
    }

    /** The learning rate, and the step count {@code t} (after this step's increment) or null. */
    private record Step(Tensor lr, Tensor t) {}

    private static Step stepInputs(Net net, Optimizer optimizer) {
        Tensor lr = net.input("lr", DType.F32);
        if (!optimizer.usesStepCount()) {
            return new Step(lr, null);
        }
        Tensor count = net.parameter(optimizer.name() + ".t", Param.state(Initializer.zeros()));
        Tensor t = count.add(1);
        net.assign(net.params().get(optimizer.name() + ".t"), t);
        return new Step(lr, t);
    }
}
