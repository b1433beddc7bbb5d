package dev.javelin.runtime;

/**
 * A compiled program ready to run on one device: buffers by binding role ({@code input},
 * {@code parameter}, {@code output}) and name, values copied in and out in each buffer's dtype,
 * parameters and optimizer state kept between runs. The CPU and CUDA executors implement it, so
 * the trainer and the tools drive either the same way.
 */
public interface Executor {
    ProgramLayout layout();

    /** Copies f32 values into an input or parameter; the count must match. */
    void set(String role, String name, float[] values);

    /** Copies integer values into an i64, i32 or bool (nonzero is true) input or parameter. */
    void set(String role, String name, long[] values);

    /** Copies floating values into a wide or half-precision input or parameter the executor supports. */
    void set(String role, String name, double[] values);

    /** An f32 output or parameter as a new array. */
    float[] get(String role, String name);

    /** An i64, i32 or bool (as 0 and 1) output or parameter as a new array. */
    long[] getLongs(String role, String name);

    /** A wide or half-precision output or parameter as a new array. */
    double[] getDoubles(String role, String name);

    /** One step: the kernels (load-time ones only when parameters changed), then the assigns. */
    void run();
}
