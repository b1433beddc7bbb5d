package dev.javelin.annotations;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An input of a {@link Model}: its name (the method parameter's), dtype and shape. */
@Retention(RetentionPolicy.SOURCE)
@Target({})
public @interface Input {
    /**
     * The input's name: the name of the tensor parameter of the model method it describes.
     *
     * @return the name
     */
    String name();

    /**
     * f32, f64, i32, i64, bool, f16 or bf16.
     *
     * @return the dtype's name
     */
    String dtype() default "f32";

    /**
     * Sizes and symbols, e.g. {@code {"batch", "784"}}.
     *
     * @return the dims, each a size or a symbol name
     */
    String[] shape();
}
