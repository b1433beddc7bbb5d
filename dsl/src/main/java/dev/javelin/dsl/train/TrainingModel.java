package dev.javelin.dsl.train;

import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;

/**
 * A model with a loss, as the trainer needs it: given a net (traced for training or for
 * evaluation), it registers its modules with {@code net.module(...)}, declares its inputs and
 * records the prediction and the scalar loss. Called once per net, with the same module objects,
 * so every net shares the parameter names.
 */
public interface TrainingModel {
    /**
     * Short name, e.g. {@code mnist-mlp}.
     *
     * @return the name
     */
    String name();

    /**
     * Records the model into {@code net}.
     *
     * @param net a net traced for training or evaluation
     * @return the prediction and loss
     */
    Traced trace(Net net);

    /**
     * One line that says what the model is, for {@code javelin models}.
     *
     * @return the description, or "" for none
     */
    default String description() {
        return "";
    }

    /**
     * The optimizer, learning rate and batch size the model trains well with, used where a run names none.
     *
     * @return the defaults; SGD at 0.01 with batches of 64 unless overridden
     */
    default Defaults defaults() {
        return new Defaults("sgd", 0.01, 64);
    }

    /**
     * Training settings that suit a model.
     *
     * @param optimizer the optimizer's name, as {@link dev.javelin.dsl.optim.Optimizer#named} takes it
     * @param lr the learning rate, {@code > 0}
     * @param batch the batch size, {@code >= 1}
     */
    record Defaults(String optimizer, double lr, int batch) {
        /**
         * Checks the learning rate and batch size.
         *
         * @throws IllegalArgumentException if {@code lr} is not positive or {@code batch} is less than 1
         */
        public Defaults {
            if (!(lr > 0) || batch < 1) {
                throw new IllegalArgumentException(
                        "defaults need lr > 0 and batch >= 1, found lr " + lr + ", batch " + batch);
            }
        }
    }

    /**
     * A seeded batch of made-up inputs of the right shapes and ranges ({@code --data synthetic}).
     *
     * @param batch the batch size
     * @param seed the seed of the made-up values
     * @return the inputs by name, labels included
     */
    java.util.Map<String, dev.javelin.ir.value.NdArray> syntheticBatch(int batch, long seed);

    /**
     * What a traced model gives: its prediction (logits for classifiers) and its scalar loss.
     *
     * @param prediction the prediction, logits for a classifier
     * @param loss the loss, a float scalar
     */
    record Traced(Tensor prediction, Tensor loss) {
        /**
         * Checks that the loss is a float scalar.
         *
         * @throws IllegalArgumentException if the loss is not a float scalar
         */
        public Traced {
            if (loss.rank() != 0 || !loss.dtype().isFloat()) {
                throw new IllegalArgumentException("a loss must be a float scalar, found " + loss.type());
            }
        }
    }
}
