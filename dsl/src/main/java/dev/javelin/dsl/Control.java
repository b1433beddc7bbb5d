package dev.javelin.dsl;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Control flow in a static graph, the analogues of {@code tf.cond} and {@code tf.foldl}. Both are
 * traced into primitives, so gradients flow through them like through any other op.
 */
public final class Control {
    private Control() {}

    /**
     * {@code pred ? then : otherwise}, with {@code pred} a bool scalar known only at run time. Both
     * branches are traced and computed; the result selects one, so gradients reach only the chosen
     * branch. The branches must give the same type.
     *
     * @param pred the bool scalar that picks the branch
     * @param then traces the branch taken when {@code pred} is true
     * @param otherwise traces the branch taken when {@code pred} is false
     * @return the selected branch's value
     * @throws IllegalArgumentException if {@code pred} is not a bool scalar, or the branches' types differ
     */
    public static Tensor cond(Tensor pred, Supplier<Tensor> then, Supplier<Tensor> otherwise) {
        if (!pred.dtype().isBool() || pred.rank() != 0) {
            throw new IllegalArgumentException("cond needs a bool scalar predicate, found " + pred.type());
        }
        Tensor a = then.get();
        Tensor b = otherwise.get();
        if (!a.type().equals(b.type())) {
            throw new IllegalArgumentException("cond branches give different types: " + a.type() + " and " + b.type());
        }
        return pred.where(a, b);
    }

    /**
     * Folds {@code f} over the leading axis of {@code xs}: {@code acc = f(acc, xs[i])} for i = 0, 1,
     * ... from {@code init}. The leading axis must be static: the loop is unrolled into the graph
     * when traced (one copy of {@code f}'s ops per element), and the accumulator must keep its type.
     *
     * @param xs the sequence, whose leading axis is iterated
     * @param init the initial accumulator
     * @param f the step, from the accumulator and one element to the next accumulator
     * @return the final accumulator ({@code init} if the leading axis is empty)
     * @throws IllegalArgumentException if the leading axis is not static, or a step changes the accumulator's type
     */
    public static Tensor fold(Tensor xs, Tensor init, BiFunction<Tensor, Tensor, Tensor> f) {
        if (xs.rank() == 0 || !xs.shape().dim(0).isStatic()) {
            throw new IllegalArgumentException("fold needs a static leading axis to unroll, found " + xs.type());
        }
        long n = xs.shape().dim(0).size();
        List<Object> rest = new ArrayList<>(xs.shape().dims().subList(1, xs.rank()));
        Tensor acc = init;
        for (long i = 0; i < n; i++) {
            Tensor xi = xs.slice(0, i, i + 1, 1).reshape(rest.toArray());
            Tensor next = f.apply(acc, xi);
            if (!next.type().equals(init.type())) {
                throw new IllegalArgumentException("fold step " + i + " changed the accumulator's type from "
                        + init.type() + " to " + next.type());
            }
            acc = next;
        }
        return acc;
    }
}
