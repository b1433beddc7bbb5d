package dev.javelin.dsl.optim;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;

/**
 * Stochastic gradient descent, PyTorch's formulation: {@code g += wd * p}; with momentum {@code
 * buf = momentum * buf + g} and the step uses {@code buf} (or {@code g + momentum * buf} with
 * Nesterov); {@code p -= lr * step}.
 *
 * @param momentum the momentum, {@code >= 0}; 0 for plain SGD
 * @param nesterov whether to use Nesterov momentum (needs {@code momentum > 0})
 * @param weightDecay the L2 weight decay, {@code >= 0}
 */
public record Sgd(double momentum, boolean nesterov, double weightDecay) implements Optimizer {
    /**
     * Checks the hyperparameters.
     *
     * @throws IllegalArgumentException if momentum or weight decay is negative, or Nesterov has no momentum
     */
    public Sgd {
        if (momentum < 0 || weightDecay < 0 || (nesterov && momentum == 0)) {
            throw new IllegalArgumentException("SGD needs momentum >= 0, weight decay >= 0, and momentum > 0 for"
                    + " Nesterov; found momentum=" + momentum + " weightDecay=" + weightDecay);
        }
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public void update(Net net, String path, Tensor param, Tensor grad, Tensor lr, Tensor t) {
        Tensor g = weightDecay == 0 ? grad : grad.add(param.mul(weightDecay));
        Tensor step = g;
        if (momentum != 0) {
            Tensor buf = Optimizer.slot(net, "sgd", "momentum", path, param);
            Tensor next = buf.mul(momentum).add(g);
            net.assign(net.params().get("sgd.momentum." + path), next);
            step = nesterov ? g.add(next.mul(momentum)) : next;
        }
        net.assign(net.params().get(path), param.sub(step.mul(lr)));
    }
}
