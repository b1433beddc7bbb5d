package dev.javelin.compiler.cli;

import dev.javelin.dsl.optim.Optimizer;
import dev.javelin.dsl.train.Backend;
import dev.javelin.dsl.train.ModelProvider;
import dev.javelin.dsl.train.Trainer;
import dev.javelin.dsl.train.TrainingModel;
import dev.javelin.ir.graph.Graph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The named models on the class path (test-models provides the reference ones), and a user's model
 * class registered by {@code --model-class} for the command that named it.
 */
final class Models {
    private Models() {}

    /** {@code --model-class} models by name (one command per process, so at most one in practice). */
    private static final Map<String, Supplier<TrainingModel>> USER = new ConcurrentHashMap<>();

    /** Makes {@code name} create through {@code factory}; a built-in model's name is refused. */
    static void register(String name, Supplier<TrainingModel> factory, String className) {
        if (builtIn(name) != null) {
            throw new CliException("--model-class " + className + " is named '" + name
                    + "', as a built-in model; return another name() from it");
        }
        USER.put(name, factory);
    }

    private static ModelProvider builtIn(String name) {
        for (ModelProvider p : ServiceLoader.load(ModelProvider.class)) {
            if (p.names().contains(name)) {
                return p;
            }
        }
        return null;
    }

    static List<String> names() {
        List<String> names = new ArrayList<>();
        for (ModelProvider p : ServiceLoader.load(ModelProvider.class)) {
            names.addAll(p.names());
        }
        return names;
    }

    /**
     * The named model's training step ({@code train}) or evaluation graph, traced with freshly
     * initialized parameters (the shapes, not the values, matter to those who ask).
     */
    static Graph graph(String name, boolean train, String optimizer) {
        Trainer trainer = new Trainer(create(name), optimizer(optimizer), 0, null, Backend.INTERPRETER);
        return train ? trainer.trainGraph() : trainer.evalGraph();
    }

    /** The optimizer of that name, or a one-line error listing the names. */
    static Optimizer optimizer(String name) {
        try {
            return Optimizer.named(name);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
    }

    static TrainingModel create(String name) {
        ModelProvider p = builtIn(name);
        if (p != null) {
            return p.create(name);
        }
        Supplier<TrainingModel> user = USER.get(name);
        if (user != null) {
            return user.get();
        }
        List<String> known = names();
        throw new CliException("unknown model '" + name + "' ("
                + (known.isEmpty()
                        ? "no models on the class path: build test-models"
                        : "known: " + String.join(", ", known))
                + "; a model of your own: --model-class CLASS --classpath JARS)");
    }
}
