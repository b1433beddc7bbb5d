package dev.javelin.runtime.cpu;

import dev.javelin.runtime.Executor;
import dev.javelin.runtime.ProgramLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Runs a compiled CPU program over one block of memory: the arena, inputs, parameters and packed
 * buffers all live in one float[] at the offsets of its {@link ProgramLayout}. Parameters and
 * optimizer state stay there across runs; inputs are copied in, outputs copied out only when asked.
 * {@link #run} runs the load-time kernels when parameters changed, then the step's kernels, then
 * copies each assigned value into its parameter: a steady-state run allocates nothing.
 */
public final class CpuExecutor implements Executor {
    /** Makes the generated kernels for a memory block (the generated class's constructor). */
    @FunctionalInterface
    public interface Factory {
        CpuKernels create(float[] memory, CpuPool pool);
    }

    private final ProgramLayout layout;
    private final float[] memory;
    private final MemorySegment segment;
    private final CpuKernels kernels;
    private final int[] all;
    private final int[] step;
    private final long[][] assigns;
    private final long[] kernelNanos;
    private boolean packedStale = true;
    private boolean timing;

    public CpuExecutor(ProgramLayout layout, Factory factory, CpuPool pool) {
        this.layout = layout;
        this.memory = new float[Math.toIntExact(Math.ceilDiv(layout.memoryBytes(), 4))];
        this.segment = MemorySegment.ofArray(memory);
        this.kernels = factory.create(memory, pool);
        if (kernels.kernelCount() != layout.kernels().size()) {
            throw new IllegalArgumentException("program " + layout.name() + " has "
                    + layout.kernels().size() + " kernels, its generated class " + kernels.kernelCount());
        }
        List<ProgramLayout.Step> ks = layout.kernels();
        this.all = java.util.stream.IntStream.range(0, ks.size()).toArray();
        this.step = java.util.stream.IntStream.range(0, ks.size())
                .filter(i -> !ks.get(i).loadTime())
                .toArray();
        this.kernelNanos = new long[ks.size()];
        List<ProgramLayout.Bind> as = layout.bindings("assign");
        this.assigns = new long[as.size()][];
        for (int i = 0; i < as.size(); i++) {
            ProgramLayout.Slot from = layout.slot(as.get(i).buffer());
            ProgramLayout.Slot to = slot("parameter", as.get(i).name());
            assigns[i] = new long[] {from.byteOffset(), to.byteOffset(), from.bytes()};
        }
    }

    @Override
    public ProgramLayout layout() {
        return layout;
    }

    private ProgramLayout.Slot slot(String role, String name) {
        return layout.bound(role, name);
    }

    /** Copies f32 values into an input (by input name) or parameter (by path); the count must match. */
    @Override
    public void set(String role, String name, float[] values) {
        ProgramLayout.Slot s = slot(role, name);
        check(s, "f32", values.length);
        System.arraycopy(values, 0, memory, (int) (s.byteOffset() / 4), values.length);
        packedStale |= role.equals("parameter");
    }

    /** Copies integer values into an i64, i32 or bool (nonzero is true) input or parameter. */
    @Override
    public void set(String role, String name, long[] values) {
        ProgramLayout.Slot s = slot(role, name);
        checkInteger(s, values.length);
        for (int i = 0; i < values.length; i++) {
            switch (s.dtype()) {
                case "i32" -> segment.set(ValueLayout.JAVA_INT_UNALIGNED, s.byteOffset() + 4L * i, (int) values[i]);
                case "i64" -> segment.set(ValueLayout.JAVA_LONG_UNALIGNED, s.byteOffset() + 8L * i, values[i]);
                default -> segment.set(ValueLayout.JAVA_BYTE, s.byteOffset() + i, (byte) (values[i] != 0 ? 1 : 0));
            }
        }
        packedStale |= role.equals("parameter");
    }

    /** Copies values into an f64, f16 or bf16 input or parameter (rounded to nearest even for half floats). */
    @Override
    public void set(String role, String name, double[] values) {
        ProgramLayout.Slot s = slot(role, name);
        checkWide(s, values.length);
        for (int i = 0; i < values.length; i++) {
            switch (s.dtype()) {
                case "f64" -> segment.set(ValueLayout.JAVA_DOUBLE_UNALIGNED, s.byteOffset() + 8L * i, values[i]);
                case "f16" ->
                    segment.set(ValueLayout.JAVA_SHORT_UNALIGNED, s.byteOffset() + 2L * i, CpuMath.toF16(values[i]));
                default ->
                    segment.set(ValueLayout.JAVA_SHORT_UNALIGNED, s.byteOffset() + 2L * i, CpuMath.toBf16(values[i]));
            }
        }
        packedStale |= role.equals("parameter");
    }

    private void checkWide(ProgramLayout.Slot s, long count) {
        if (!(s.dtype().equals("f64") || s.dtype().equals("f16") || s.dtype().equals("bf16")) || s.numel() != count) {
            throw new IllegalArgumentException("buffer %" + s.name() + " of program " + layout.name() + " holds "
                    + s.numel() + " " + s.dtype() + " values, given " + count + " doubles");
        }
    }

    /** An i64, i32 or bool (as 0 and 1) output or parameter as a new array. */
    @Override
    public long[] getLongs(String role, String name) {
        ProgramLayout.Slot s = slot(role, name);
        checkInteger(s, s.numel());
        long[] out = new long[Math.toIntExact(s.numel())];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (s.dtype()) {
                case "i32" -> segment.get(ValueLayout.JAVA_INT_UNALIGNED, s.byteOffset() + 4L * i);
                case "i64" -> segment.get(ValueLayout.JAVA_LONG_UNALIGNED, s.byteOffset() + 8L * i);
                default -> segment.get(ValueLayout.JAVA_BYTE, s.byteOffset() + i);
            };
        }
        return out;
    }

    /** An f64, f16 or bf16 output or parameter as a new array. */
    @Override
    public double[] getDoubles(String role, String name) {
        ProgramLayout.Slot s = slot(role, name);
        checkWide(s, s.numel());
        double[] out = new double[Math.toIntExact(s.numel())];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (s.dtype()) {
                case "f64" -> segment.get(ValueLayout.JAVA_DOUBLE_UNALIGNED, s.byteOffset() + 8L * i);
                case "f16" -> CpuMath.fromF16(segment.get(ValueLayout.JAVA_SHORT_UNALIGNED, s.byteOffset() + 2L * i));
                default -> CpuMath.fromBf16(segment.get(ValueLayout.JAVA_SHORT_UNALIGNED, s.byteOffset() + 2L * i));
            };
        }
        return out;
    }

    private void checkInteger(ProgramLayout.Slot s, long count) {
        if (!(s.dtype().equals("i32") || s.dtype().equals("i64") || s.dtype().equals("bool")) || s.numel() != count) {
            throw new IllegalArgumentException("buffer %" + s.name() + " of program " + layout.name() + " holds "
                    + s.numel() + " " + s.dtype() + " values, given " + count + " integers");
        }
    }

    private void check(ProgramLayout.Slot s, String dtype, long count) {
        if (!s.dtype().equals(dtype) || s.numel() != count) {
            throw new IllegalArgumentException("buffer %" + s.name() + " of program " + layout.name() + " holds "
                    + s.numel() + " " + s.dtype() + " values, given " + count + " " + dtype);
        }
    }

    /** Copies an f32 output (by output name) or parameter (by path) into {@code out}. */
    public void get(String role, String name, float[] out) {
        ProgramLayout.Slot s = slot(role, name);
        check(s, "f32", out.length);
        System.arraycopy(memory, (int) (s.byteOffset() / 4), out, 0, out.length);
    }

    /** An f32 output or parameter as a new array. */
    @Override
    public float[] get(String role, String name) {
        float[] out = new float[Math.toIntExact(slot(role, name).numel())];
        get(role, name, out);
        return out;
    }

    /** Whether {@link #run} records per-kernel times ({@link #kernelNanos}). */
    public void timeKernels(boolean on) {
        timing = on;
    }

    /** Total nanoseconds per kernel since the last {@link #resetTimes} (with timing on). */
    public long[] kernelNanos() {
        return kernelNanos.clone();
    }

    public void resetTimes() {
        java.util.Arrays.fill(kernelNanos, 0);
    }

    /** One run: the kernels (load-time ones only if parameters changed), then the assigns. */
    @Override
    public void run() {
        // Plan order, load-time kernels skipped while the packed buffers are fresh: a load-time kernel
        // may read what an earlier parameter-free kernel of the same run computes.
        runAll(packedStale ? all : step);
        packedStale = false;
        for (long[] a : assigns) {
            if (a[0] != a[1]) {
                MemorySegment.copy(segment, a[0], segment, a[1], a[2]);
                packedStale = true;
            }
        }
    }

    private void runAll(int[] ks) {
        for (int k : ks) {
            if (timing) {
                long t0 = System.nanoTime();
                kernels.run(k);
                kernelNanos[k] += System.nanoTime() - t0;
            } else {
                kernels.run(k);
            }
        }
    }
}
