package dev.javelin.annotations;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An input of a {@link Model}: its name (the method parameter's), dtype and shape. */
@Retention(RetentionPolicy.SOURCE)
@Target({})
public @interface Input {
    String name();

    /** f32, f64, i32, i64, bool, f16 or bf16. */
    String dtype() default "f32";

    /** Sizes and symbols, e.g. {@code {"batch", "784"}}. */
    String[] shape();
}
