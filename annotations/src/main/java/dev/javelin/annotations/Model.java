package dev.javelin.annotations;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A class whose static DSL method ({@link #method}, by default {@code forward(Net nn, Tensor x,
 * ...)}) Javelin compiles inside {@code javac}: the processor evaluates the method with the real DSL,
 * reports shape errors as compile errors at the DSL call, and generates the kernels and a typed
 * facade {@code <Class>Model}. Each tensor parameter of the method is an input described by the
 * {@link Input} of the same name.
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface Model {
    /**
     * The model's name (graph and generated files); default: the class name.
     *
     * @return the name, or "" for the class name
     */
    String name() default "";

    /**
     * The static method that builds the model: {@code static Tensor m(Net nn, Tensor a, ...)}.
     *
     * @return the method's name
     */
    String method() default "forward";

    /**
     * One per tensor parameter of the method, by name.
     *
     * @return the inputs
     */
    Input[] inputs();

    /**
     * The seed of the parameters' initializers: the facade starts from the values the model's own
     * initializers draw with it (per parameter path, as the JIT trainer's {@code --seed} does).
     *
     * @return the seed
     */
    long seed() default 0;

    /**
     * The size of every symbolic dimension ({@code "batch"}) the kernels are generated for.
     *
     * @return the size given to every symbolic dimension
     */
    long batch() default 1;

    /**
     * The labels of a trainable model (zero or one): with one, the facade also gets {@code
     * trainStep(inputs..., labels, lr)}, the whole step (forward, {@link #loss}, gradients, {@link
     * #optimizer} update) compiled too.
     *
     * @return the labels, empty for an inference-only model
     */
    Input[] labels() default {};

    /**
     * The loss of the training step: {@code cross_entropy} (integer class labels).
     *
     * @return the loss's name
     */
    String loss() default "cross_entropy";

    /**
     * The optimizer of the training step: {@code sgd}, {@code momentum}, {@code adam} or {@code adamw}.
     *
     * @return the optimizer's name
     */
    String optimizer() default "adam";
}
