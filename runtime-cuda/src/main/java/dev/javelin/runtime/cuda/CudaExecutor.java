package dev.javelin.runtime.cuda;

import dev.javelin.runtime.Executor;
import dev.javelin.runtime.ProgramLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a compiled CUDA program over its memory block on a {@link KernelRunner} (a GPU, or the
 * host-execution harness). Parameters and optimizer state stay in the block across runs; inputs
 * are copied in, outputs copied out only when asked. {@link #run} launches the load-time kernels
 * when parameters changed, then the step's kernels, copies each assigned value over its parameter
 * inside the block, and checks the status word, so an out-of-range index becomes an exception
 * naming the node instead of a silent read.
 */
public final class CudaExecutor implements Executor, AutoCloseable {
    private final CudaProgram program;
    private final ProgramLayout layout;
    private final KernelRunner runner;
    private final List<CudaLaunch> all;
    private final List<CudaLaunch> step;
    private final List<long[]> assigns = new ArrayList<>();
    private final byte[] status = new byte[32];
    private boolean packedStale = true;

    /** Takes ownership of {@code runner}: writes the program's constants and clears the status word. */
    public CudaExecutor(CudaProgram program, KernelRunner runner) {
        this.program = program;
        this.layout = program.layout();
        this.runner = runner;
        this.all = program.launches();
        this.step = all.stream().filter(l -> !l.loadTime()).toList();
        for (ProgramLayout.Bind a : layout.bindings("assign")) {
            ProgramLayout.Slot from = layout.slot(a.buffer());
            ProgramLayout.Slot to = slot("parameter", a.name());
            if (from.byteOffset() != to.byteOffset()) {
                assigns.add(new long[] {from.byteOffset(), to.byteOffset(), from.bytes()});
            }
        }
        for (CudaProgram.Fill f : program.fills()) {
            runner.write(f.offset(), f.bytes(), 0, f.bytes().length);
        }
        runner.write(program.statusOffset(), new byte[32], 0, 32);
    }

    @Override
    public ProgramLayout layout() {
        return layout;
    }

    public CudaProgram program() {
        return program;
    }

    /** What runs the kernels (for logs). */
    public String device() {
        return runner.describe();
    }

    private ProgramLayout.Slot slot(String role, String name) {
        return layout.bound(role, name);
    }

    /** Copies f32 values into an input (by input name) or parameter (by path); the count must match. */
    @Override
    public void set(String role, String name, float[] values) {
        ProgramLayout.Slot s = slot(role, name);
        check(s, values.length, "f32");
        ByteBuffer b = buffer(s);
        b.asFloatBuffer().put(values);
        write(role, s, b);
    }

    /** Copies integer values into an i64, i32 or bool (nonzero is true) input or parameter. */
    @Override
    public void set(String role, String name, long[] values) {
        ProgramLayout.Slot s = slot(role, name);
        check(s, values.length, "i64", "i32", "bool");
        ByteBuffer b = buffer(s);
        for (long v : values) {
            switch (s.dtype()) {
                case "i64" -> b.putLong(v);
                case "i32" -> b.putInt((int) v);
                default -> b.put((byte) (v != 0 ? 1 : 0));
            }
        }
        write(role, s, b);
    }

    /** Copies f64 values into an f64 input or parameter. */
    @Override
    public void set(String role, String name, double[] values) {
        ProgramLayout.Slot s = slot(role, name);
        check(s, values.length, "f64");
        ByteBuffer b = buffer(s);
        b.asDoubleBuffer().put(values);
        write(role, s, b);
    }

    /** An f32 output or parameter as a new array. */
    @Override
    public float[] get(String role, String name) {
        ProgramLayout.Slot s = slot(role, name);
        check(s, s.numel(), "f32");
        float[] out = new float[Math.toIntExact(s.numel())];
        read(s).asFloatBuffer().get(out);
        return out;
    }

    /** An i64, i32 or bool (as 0 and 1) output or parameter as a new array. */
    @Override
    public long[] getLongs(String role, String name) {
        ProgramLayout.Slot s = slot(role, name);
        check(s, s.numel(), "i64", "i32", "bool");
        ByteBuffer b = read(s);
        long[] out = new long[Math.toIntExact(s.numel())];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (s.dtype()) {
                case "i64" -> b.getLong();
                case "i32" -> b.getInt();
                default -> b.get();
            };
        }
        return out;
    }

    /** An f64 output or parameter as a new array. */
    @Override
    public double[] getDoubles(String role, String name) {
        ProgramLayout.Slot s = slot(role, name);
        check(s, s.numel(), "f64");
        double[] out = new double[Math.toIntExact(s.numel())];
        read(s).asDoubleBuffer().get(out);
        return out;
    }

    /** One run: the launches (load-time ones only if parameters changed), the assigns, the status check. */
    @Override
    public void run() {
        runner.launch(packedStale ? all : step);
        packedStale = false;
        for (long[] a : assigns) {
            runner.copy(a[0], a[1], a[2]);
            packedStale = true;
        }
        checkStatus();
    }

    /**
     * Runs the step's launches once (no load-time kernels, no assigns), timing each: the nanoseconds
     * of {@link #stepLaunches()}, in order. For benchmarks and profiles.
     */
    public long[] timeStep() {
        long[] nanos = runner.launchTimed(step);
        checkStatus();
        return nanos;
    }

    /** The launches of a step once the load-time kernels have run. */
    public List<CudaLaunch> stepLaunches() {
        return step;
    }

    private void checkStatus() {
        runner.read(program.statusOffset(), status, 0, status.length);
        ByteBuffer b = ByteBuffer.wrap(status).order(ByteOrder.LITTLE_ENDIAN);
        long check = b.getLong();
        if (check == 0) {
            return;
        }
        long index = b.getLong();
        long where = b.getLong();
        long size = b.getLong();
        runner.write(program.statusOffset(), new byte[32], 0, 32);
        String what = check >= 1 && check <= program.checks().size()
                ? program.checks().get((int) check - 1)
                : "check " + check + " (unknown to program " + layout.name() + ")";
        throw new IndexOutOfBoundsException(
                what + ": index " + index + " at position " + where + " is outside [0, " + size + ")");
    }

    private static ByteBuffer buffer(ProgramLayout.Slot s) {
        return ByteBuffer.allocate(Math.toIntExact(s.bytes())).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void write(String role, ProgramLayout.Slot s, ByteBuffer b) {
        runner.write(s.byteOffset(), b.array(), 0, b.capacity());
        packedStale |= role.equals("parameter");
    }

    private ByteBuffer read(ProgramLayout.Slot s) {
        byte[] bytes = new byte[Math.toIntExact(s.bytes())];
        runner.read(s.byteOffset(), bytes, 0, bytes.length);
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void check(ProgramLayout.Slot s, long count, String... dtypes) {
        if (!List.of(dtypes).contains(s.dtype()) || s.numel() != count) {
            throw new IllegalArgumentException("buffer %" + s.name() + " of program " + layout.name() + " holds "
                    + s.numel() + " " + s.dtype() + " values, given " + count + " " + String.join("/", dtypes)
                    + " values");
        }
    }

    @Override
    public void close() {
        runner.close();
    }
}
