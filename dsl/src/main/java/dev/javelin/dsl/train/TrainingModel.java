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
    /** Short name, e.g. {@code mnist-mlp}. */
    String name();

    /** Records the model into {@code net}. */
    Traced trace(Net net);

    /** One line that says what the model is, for {@code javelin models}. */
    default String description() {
        return "";
    }

    /** The optimizer, learning rate and batch size the model trains well with, used where a run names none. */
    default Defaults defaults() {
        return new Defaults("sgd", 0.01, 64);
    }

    /** Training settings that suit a model. */
    record Defaults(String optimizer, double lr, int batch) {
        public Defaults {
            if (!(lr > 0) || batch < 1) {
                throw new IllegalArgumentException(
                        "defaults need lr > 0 and batch >= 1, found lr " + lr + ", batch " + batch);
            }
        }
    }

    /** A seeded batch of made-up inputs of the right shapes and ranges ({@code --data synthetic}). */
    java.util.Map<String, dev.javelin.ir.value.NdArray> syntheticBatch(int batch, long seed);

    /** What a traced model gives: its prediction (logits for classifiers) and its scalar loss. */
    record Traced(Tensor prediction, Tensor loss) {
        public Traced {
            if (loss.rank() != 0 || !loss.dtype().isFloat()) {
                throw new IllegalArgumentException("a loss must be a float scalar, found " + loss.type());
            }
        }
    }
}
