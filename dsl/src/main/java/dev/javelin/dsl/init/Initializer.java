package dev.javelin.dsl.init;

import dev.javelin.ir.random.Philox;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;

/**
 * How a parameter's first value is made. Every initializer is seeded: the values are a pure
 * function of the type and the seed (drawn with Philox, the generator every backend shares), and
 * the seed of each parameter is derived from the run's seed and the parameter's path, so adding a
 * layer never changes the values of the others.
 */
@FunctionalInterface
public interface Initializer {
    /**
     * The initial value of a parameter of static {@code type}.
     *
     * @param type the parameter's type, whose shape must be static
     * @param seed the parameter's seed
     * @return a new array of the type's dtype and shape
     */
    NdArray create(TensorType type, long seed);

    /**
     * All zeros (biases, optimizer state).
     *
     * @return the initializer
     */
    static Initializer zeros() {
        return constant(0);
    }

    /**
     * All ones (normalization scales).
     *
     * @return the initializer
     */
    static Initializer ones() {
        return constant(1);
    }

    /**
     * Every element {@code value}.
     *
     * @param value the value, rounded to the dtype
     * @return the initializer
     */
    static Initializer constant(double value) {
        return (type, seed) -> fill(type, i -> value);
    }

    /**
     * Normal with the given mean and standard deviation.
     *
     * @param mean the mean
     * @param std the standard deviation
     * @return the initializer
     */
    static Initializer normal(double mean, double std) {
        return (type, seed) -> fill(type, i -> mean + std * Philox.normal(seed, 0, i));
    }

    /**
     * Uniform in [low, high).
     *
     * @param low the lower bound, included
     * @param high the upper bound, excluded
     * @return the initializer
     */
    static Initializer uniform(double low, double high) {
        return (type, seed) -> fill(type, i -> low + (high - low) * Philox.uniform(seed, 0, i));
    }

    /**
     * Glorot/Xavier uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).
     *
     * @param gain the scale, 1 for linear or sigmoid layers
     * @return the initializer
     */
    static Initializer xavierUniform(double gain) {
        return (type, seed) -> {
            Fans f = Fans.of(type);
            double a = gain * Math.sqrt(6.0 / (f.in() + f.out()));
            return uniform(-a, a).create(type, seed);
        };
    }

    /**
     * Glorot/Xavier normal: N(0, gain^2 * 2 / (fan_in + fan_out)).
     *
     * @param gain the scale, 1 for linear or sigmoid layers
     * @return the initializer
     */
    static Initializer xavierNormal(double gain) {
        return (type, seed) -> {
            Fans f = Fans.of(type);
            return normal(0, gain * Math.sqrt(2.0 / (f.in() + f.out()))).create(type, seed);
        };
    }

    /**
     * He/Kaiming normal for ReLU layers: N(0, 2 / fan_in).
     *
     * @return the initializer
     */
    static Initializer heNormal() {
        return (type, seed) -> normal(0, Math.sqrt(2.0 / Fans.of(type).in())).create(type, seed);
    }

    /**
     * He/Kaiming uniform for ReLU layers: U(-a, a) with a = sqrt(6 / fan_in).
     *
     * @return the initializer
     */
    static Initializer heUniform() {
        return (type, seed) -> {
            double a = Math.sqrt(6.0 / Fans.of(type).in());
            return uniform(-a, a).create(type, seed);
        };
    }

    /**
     * PyTorch's default for Linear and Conv2d layers: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), with
     * {@code fanIn} given because a bias has no fan of its own.
     *
     * @param fanIn the number of inputs of the layer the parameter belongs to
     * @return the initializer
     */
    static Initializer lecunUniform(long fanIn) {
        double a = 1.0 / Math.sqrt(fanIn);
        return uniform(-a, a);
    }

    private static NdArray fill(TensorType type, java.util.function.LongToDoubleFunction f) {
        if (!type.shape().isStatic()) {
            throw new IllegalArgumentException("a parameter needs a static shape to be initialized, found " + type);
        }
        NdArray a = NdArray.zeros(type.dtype(), type.shape().sizes());
        for (int i = 0; i < a.size(); i++) {
            a.set(i, type.dtype().round(f.applyAsDouble(i)));
        }
        return a;
    }
}
