package dev.javelin.compiler.cli;

import dev.javelin.dsl.train.ModelProvider;
import dev.javelin.dsl.train.TrainingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The named models on the class path (test-models provides the reference ones). */
final class Models {
    private Models() {}

    static List<String> names() {
        List<String> names = new ArrayList<>();
        for (ModelProvider p : ServiceLoader.load(ModelProvider.class)) {
            names.addAll(p.names());
        }
        return names;
    }

    static TrainingModel create(String name) {
        for (ModelProvider p : ServiceLoader.load(ModelProvider.class)) {
            if (p.names().contains(name)) {
                return p.create(name);
            }
        }
        List<String> known = names();
        throw new CliException("unknown model '" + name + "' ("
                + (known.isEmpty()
                        ? "no models on the class path: build test-models"
                        : "known: " + String.join(", ", known))
                + ")");
    }
}
