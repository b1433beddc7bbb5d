package dev.javelin.runtime;

/**
 * A compiled program ready to run on one device: buffers by binding role ({@code input},
 * {@code parameter}, {@code output}) and name, values copied in and out in each buffer's dtype,
 * parameters and optimizer state kept between runs. The CPU and CUDA executors implement it, so
 * the trainer and the tools drive either the same way.
 */
public interface Executor {
    /**
     * Where the program's buffers are and which kernels it runs.
     *
     * @return the layout
     */
    ProgramLayout layout();

    /**
     * Copies f32 values into an input or parameter; the count must match.
     *
     * @param role {@code input} or {@code parameter}
     * @param name the input's or parameter's name
     * @param values the values in row-major order
     */
    void set(String role, String name, float[] values);

    /**
     * Copies integer values into an i64, i32 or bool (nonzero is true) input or parameter.
     *
     * @param role {@code input} or {@code parameter}
     * @param name the input's or parameter's name
     * @param values the values in row-major order
     */
    void set(String role, String name, long[] values);

    /**
     * Copies floating values into a wide or half-precision input or parameter the executor supports.
     *
     * @param role {@code input} or {@code parameter}
     * @param name the input's or parameter's name
     * @param values the values in row-major order, rounded to the buffer's dtype
     */
    void set(String role, String name, double[] values);

    /**
     * An f32 output or parameter as a new array.
     *
     * @param role {@code output} or {@code parameter}
     * @param name the output's or parameter's name
     * @return the values in row-major order
     */
    float[] get(String role, String name);

    /**
     * An i64, i32 or bool (as 0 and 1) output or parameter as a new array.
     *
     * @param role {@code output} or {@code parameter}
     * @param name the output's or parameter's name
     * @return the values in row-major order
     */
    long[] getLongs(String role, String name);

    /**
     * A wide or half-precision output or parameter as a new array.
     *
     * @param role {@code output} or {@code parameter}
     * @param name the output's or parameter's name
     * @return the values in row-major order
     */
    double[] getDoubles(String role, String name);

    /** One step: the kernels (load-time ones only when parameters changed), then the assigns. */
    void run();
}
