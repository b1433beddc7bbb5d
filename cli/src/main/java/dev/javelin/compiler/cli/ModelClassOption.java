package dev.javelin.compiler.cli;

import dev.javelin.dsl.train.TrainingModel;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/**
 * {@code --model-class CLASS [--classpath PATHS]}: a model of the user's own, a {@link
 * TrainingModel} class loaded from their jars or class folders, where a command otherwise takes a
 * built-in {@code --model NAME}.
 */
final class ModelClassOption {
    @Option(
            names = "--model-class",
            paramLabel = "CLASS",
            description = "A model of your own instead of --model: a public TrainingModel class with a public"
                    + " no-argument constructor, e.g. com.acme.MyNet.")
    String modelClass;

    @Option(
            names = "--classpath",
            paramLabel = "PATHS",
            split = ":",
            description = "Where --model-class and what it needs are: jars and class folders, separated by ':'.")
    List<Path> classpath = List.of();

    boolean given() {
        return modelClass != null;
    }

    /** The model name a command goes on with: {@code model}, or the registered class's model's name. */
    String resolve(String model) {
        if (!given()) {
            return model;
        }
        if (model != null) {
            throw new CliException("give --model NAME or --model-class CLASS, not both");
        }
        return register();
    }

    /**
     * Registers the class with {@link Models} under its model's name and returns that name, so the
     * command goes on as with {@code --model NAME}.
     */
    String register() {
        Supplier<TrainingModel> factory = factory();
        String name = factory.get().name();
        Models.register(name, factory, modelClass);
        return name;
    }

    private Supplier<TrainingModel> factory() {
        List<URL> urls = new ArrayList<>();
        for (Path p : classpath) {
            if (!Files.exists(p)) {
                throw new CliException("--classpath entry " + p + " does not exist");
            }
            try {
                urls.add(p.toAbsolutePath().toUri().toURL());
            } catch (MalformedURLException e) {
                throw new CliException("--classpath entry " + p + " is not a usable path: " + e.getMessage());
            }
        }
        ClassLoader loader = new URLClassLoader(
                "javelin-user-models", urls.toArray(URL[]::new), ModelClassOption.class.getClassLoader());
        Class<?> c;
        try {
            c = Class.forName(modelClass, true, loader);
        } catch (ClassNotFoundException e) {
            throw new CliException("--model-class " + modelClass + " is not on the class path"
                    + (classpath.isEmpty()
                            ? " (give the jar or class folder that holds it with --classpath)"
                            : " (--classpath " + classpath + ")"));
        } catch (LinkageError e) {
            throw new CliException("--model-class " + modelClass + " could not be loaded: " + e);
        }
        if (!TrainingModel.class.isAssignableFrom(c)) {
            throw new CliException("--model-class " + modelClass + " does not implement "
                    + TrainingModel.class.getName() + " (a model with its inputs, prediction and loss)");
        }
        Constructor<?> constructor;
        try {
            constructor = c.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new CliException("--model-class " + modelClass + " has no public no-argument constructor");
        }
        if (!Modifier.isPublic(c.getModifiers()) || Modifier.isAbstract(c.getModifiers())) {
            throw new CliException("--model-class " + modelClass + " must be a public, non-abstract class");
        }
        return () -> {
            try {
                return (TrainingModel) constructor.newInstance();
            } catch (InvocationTargetException e) {
                throw new CliException("--model-class " + modelClass + ": its constructor threw " + e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new CliException("--model-class " + modelClass + " could not be created: " + e);
            }
        };
    }
}
