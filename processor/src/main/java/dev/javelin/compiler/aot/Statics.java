package dev.javelin.compiler.aot;

import com.github.javaparser.ast.Node;
import dev.javelin.compiler.aot.Sources.SourceClass;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Optional;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;

/**
 * What one model's evaluation (its helpers included) shares, and how it reads static members: a
 * compile-time constant through javac's element model (wherever it is declared, even in a class
 * this run is compiling), any other static field of a class the processor can load (the DSL's:
 * {@code DType.F32}) by reflection. A class compiled in this run has no bytecode yet: its constants and
 * its static helpers' source are all the evaluation can use.
 */
final class Statics {
    static final String CONSTANT_ALTERNATIVE = "use a static final field of a primitive or String type initialized"
            + " by a constant expression (javac folds it), or compute the value in the model method";

    final Elements elements;
    final Sources sources;
    /**
     * Loop iterations and helper calls one model's evaluation may run in all: the per-loop cap does
     * not bound nested loops (two of 100,000 iterations kept javac busy for minutes), nor helpers
     * that call helpers twice over. A million runs in about a second and leaves room for a
     * 100,000-iteration loop with nested work.
     */
    static final int BUDGET = 1_000_000;

    static final String BUDGET_ALTERNATIVE = "run fewer iterations (nested loops multiply), or build the"
            + " graph with the DSL at run time (new Net(...)) instead of in an @Model";

    private final ClassLoader loader;
    private int depth;
    private int steps;

    Statics(Elements elements, Sources sources, ClassLoader loader) {
        this.elements = elements;
        this.sources = sources;
        this.loader = loader;
    }

    /** The value of static field {@code name} of {@code owner}, read at {@code at}. */
    Object value(Names names, TypeElement owner, String name, Node at) {
        String what = owner.getSimpleName() + "." + name;
        VariableElement f = names.field(owner, name)
                .orElseThrow(() -> new EvalException(at, owner.getSimpleName() + " has no field " + name));
        if (!f.getModifiers().contains(javax.lang.model.element.Modifier.STATIC)) {
            throw new EvalException(at, what + " is an instance field; the evaluation reads static fields only");
        }
        Object constant = f.getConstantValue();
        if (constant != null) {
            return Arithmetic.constant(constant);
        }
        Optional<Class<?>> c = load(names, owner);
        if (c.isEmpty()) {
            throw new EvalException(
                    at,
                    what + " is not a compile-time constant, and " + owner.getSimpleName() + " is compiled in this"
                            + " javac run, so its value does not exist yet; " + CONSTANT_ALTERNATIVE);
        }
        try {
            Field field = c.get().getField(name);
            if (!Modifier.isStatic(field.getModifiers())) {
                throw new EvalException(at, what + " is not a static field");
            }
            return field.get(null);
        } catch (NoSuchFieldException | IllegalAccessException ex) {
            throw new EvalException(
                    at, what + " is not public, so the evaluation cannot read it; " + CONSTANT_ALTERNATIVE);
        }
    }

    /** {@code type} as a class of the processor's class loader (the DSL's), or empty when it has no bytecode there. */
    Optional<Class<?>> load(Names names, TypeElement type) {
        try {
            return Optional.of(Class.forName(names.binaryName(type), true, loader));
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
        }
    }

    /** {@code type}'s source in this javac run, or empty; a source JavaParser cannot read is an error at {@code at}. */
    Optional<SourceClass> source(TypeElement type, Node at) {
        try {
            return sources.of(type);
        } catch (IllegalArgumentException e) {
            throw new EvalException(at, e.getMessage());
        }
    }

    /** Counts a helper call in; helpers nest at most 64 deep (recursion is not evaluated). */
    void enter(Node at) {
        if (++depth > 64) {
            depth--;
            throw new EvalException(at, "helper calls nest more than 64 deep (recursion is not supported)");
        }
    }

    void exit() {
        depth--;
    }

    /** Counts one loop iteration or helper call ({@code what}) at {@code at} against {@link #BUDGET}. */
    void step(Node at, String what) {
        if (++steps > BUDGET) {
            throw new EvalException(
                    at,
                    "the model's evaluation exceeds its budget of 1,000,000 loop iterations and helper calls in"
                            + " all at this " + what + "; " + BUDGET_ALTERNATIVE);
        }
    }
}
