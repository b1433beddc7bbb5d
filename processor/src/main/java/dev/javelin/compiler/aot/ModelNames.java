package dev.javelin.compiler.aot;

import dev.javelin.annotations.Model;
import java.util.HashMap;
import java.util.Map;
import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

/**
 * The model names of one javac run, each with its class: a name names the generated resources
 * ({@code <name>.plan}, {@code <name>.cu}), so a second model of the same name is reported at its
 * {@code name = "..."}, naming both classes, instead of the Filer refusing to reopen the file.
 */
final class ModelNames {
    private final Map<String, TypeElement> owners = new HashMap<>();

    /** Records {@code name} as {@code type}'s; false after reporting that another model has it. */
    boolean claim(String name, TypeElement type, Messager messager) {
        TypeElement first = owners.putIfAbsent(name, type);
        if (first == null || first.equals(type)) {
            return true;
        }
        String message = "model name '" + name + "' is already taken by @Model class " + first.getQualifiedName()
                + "; the name names the generated files (" + name + ".plan, " + name + ".cu), so give "
                + type.getQualifiedName() + " another one with @Model(name = ...)";
        AnnotationMirror mirror = type.getAnnotationMirrors().stream()
                .filter(a -> a.getAnnotationType().toString().equals(Model.class.getName()))
                .findFirst()
                .orElse(null);
        AnnotationValue value = mirror == null
                ? null
                : mirror.getElementValues().entrySet().stream()
                        .filter(e -> e.getKey().getSimpleName().contentEquals("name"))
                        .map(Map.Entry::getValue)
                        .findFirst()
                        .orElse(null);
        messager.printMessage(Diagnostic.Kind.ERROR, message, type, mirror, value);
        return false;
    }
}
