package dev.javelin.dsl.optim;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import java.util.function.Predicate;

/**
 * Adam (Kingma and Ba), PyTorch's formulation, and AdamW (decoupled weight decay, Loshchilov and
 * Hutter): {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2}, {@code p -= lr/(1-b1^t) * m /
 * (sqrt(v)/sqrt(1-b2^t) + eps)}. Plain Adam's weight decay is L2 ({@code g += wd p}); AdamW's first
 * scales {@code p *= 1 - lr wd}. Weight decay applies to the parameters whose paths {@code decayed}
 * accepts (every one unless {@link #withDecayOnly} narrows it: language models decay their matrices,
 * not their biases, norms and embeddings).
 *
 * @param beta1 the decay of the first-moment average {@code m}, in {@code [0, 1)} (PyTorch: 0.9)
 * @param beta2 the decay of the second-moment average {@code v}, in {@code [0, 1)} (PyTorch: 0.999)
 * @param eps added to the denominator, {@code > 0} (PyTorch: 1e-8)
 * @param weightDecay the weight decay, {@code >= 0}
 * @param decoupled true for AdamW's decoupled weight decay, false for Adam's L2
 * @param decayed the parameter paths weight decay applies to
 */
public record Adam(
        double beta1, double beta2, double eps, double weightDecay, boolean decoupled, Predicate<String> decayed)
        implements Optimizer {
    /** Decay on every parameter. */
    private static final Predicate<String> ALL = path -> true;

    /**
     * Checks the hyperparameters.
     *
     * @throws IllegalArgumentException if a beta is outside {@code [0, 1)}, eps is not positive or the
     *     weight decay is negative, or {@code decayed} is null
     */
    public Adam {
        if (decayed == null) {
            throw new IllegalArgumentException("Adam needs the paths its weight decay applies to, found null");
        }
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1 || eps <= 0 || weightDecay < 0) {
            throw new IllegalArgumentException("Adam needs 0 <= betas < 1, eps > 0, weight decay >= 0; found beta1="
                    + beta1 + " beta2=" + beta2 + " eps=" + eps + " weightDecay=" + weightDecay);
        }
    }

    /**
     * Adam with weight decay on every parameter.
     *
     * @param beta1 the decay of the first-moment average {@code m}, in {@code [0, 1)}
     * @param beta2 the decay of the second-moment average {@code v}, in {@code [0, 1)}
     * @param eps added to the denominator, {@code > 0}
     * @param weightDecay the weight decay, {@code >= 0}
     * @param decoupled true for AdamW's decoupled weight decay, false for Adam's L2
     */
    public Adam(double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        this(beta1, beta2, eps, weightDecay, decoupled, ALL);
    }

    /**
     * This optimizer with weight decay only on the parameters whose paths {@code paths} accepts.
     *
     * @param paths accepts the paths of the parameters to decay
     * @return the narrowed optimizer
     */
    public Adam withDecayOnly(Predicate<String> paths) {
        return new Adam(beta1, beta2, eps, weightDecay, decoupled, paths);
    }

    @Override
    public String name() {
        return decoupled ? "adamw" : "adam";
    }

    @Override
    public boolean usesStepCount() {
        return true;
    }

    @Override
    public void update(Net net, String path, Tensor param, Tensor grad, Tensor lr, Tensor t) {
        Tensor p = param;
        Tensor g = grad;
        if (weightDecay != 0 && decayed.test(path)) {
            if (decoupled) {
                p = p.mul(lr.mul(-weightDecay).add(1));
            } else {
                g = g.add(p.mul(weightDecay));
            }
        }
        Tensor m = Optimizer.slot(net, name(), "m", path, param);
        Tensor v = Optimizer.slot(net, name(), "v", path, param);
        Tensor m1 = m.mul(beta1).add(g.mul(1 - beta1));
        Tensor v1 = v.mul(beta2).add(g.mul(g).mul(1 - beta2));
        Tensor bias1 = t.scalar(beta1).pow(t).neg().add(1);
        Tensor bias2 = t.scalar(beta2).pow(t).neg().add(1);
        Tensor denom = v1.sqrt().div(bias2.sqrt()).add(eps);
        net.assign(net.params().get(name() + ".m." + path), m1);
        net.assign(net.params().get(name() + ".v." + path), v1);
        net.assign(net.params().get(path), p.sub(m1.div(denom).mul(lr.div(bias1))));
    }
}
