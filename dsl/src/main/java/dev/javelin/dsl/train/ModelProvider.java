package dev.javelin.dsl.train;

import java.util.List;

/**
 * A catalogue of named models, found with {@link java.util.ServiceLoader} (so the command line can
 * train models that live in modules it does not depend on, such as {@code test-models}).
 */
public interface ModelProvider {
    /**
     * The names this provider knows, e.g. {@code mnist-mlp}.
     *
     * @return the model names
     */
    List<String> names();

    /**
     * A fresh model of that name (new, untrained parameters).
     *
     * @param name one of {@link #names()}
     * @return the model
     */
    TrainingModel create(String name);
}
