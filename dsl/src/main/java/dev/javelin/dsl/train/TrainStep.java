package dev.javelin.dsl.train;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.Param;
import dev.javelin.dsl.Tensor;
import dev.javelin.dsl.init.Initializer;
import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.ir.autodiff.Autodiff;
import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.type.DType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a whole training step as one graph: the forward pass and loss already traced in a net,
 * then reverse-mode gradients of the loss for every trainable parameter, then the optimizer's
 * updates as {@code assign}s. The learning rate is the f32 scalar input {@code lr}; the graph's
 * output {@code loss} is the loss before the update.
 */
public final class TrainStep {
    private TrainStep() {}

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
        List<Value> wrt = new ArrayList<>();
        for (Param p : trainable.values()) {
            Tensor t = p.on(net);
            params.add(t);
            wrt.add(t.value());
        }
        List<Value> grads = Autodiff.gradients(net.builder(), loss.value(), wrt, net.gradientOverrides());
        Tensor lr = net.input("lr", DType.F32);
        Tensor t = null;
        if (optimizer.usesStepCount()) {
            Tensor count = net.parameter(optimizer.name() + ".t", Param.state(Initializer.zeros()));
            t = count.add(1);
            net.assign(net.params().get(optimizer.name() + ".t"), t);
        }
        int i = 0;
        for (String path : trainable.keySet()) {
            optimizer.update(net, path, params.get(i), net.tensor(grads.get(i)), lr, t);
            i++;
        }
        net.output("loss", loss);
        return net.build();
    }
}
