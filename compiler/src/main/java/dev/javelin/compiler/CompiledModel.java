package dev.javelin.compiler;

import dev.javelin.JavelinException;
import dev.javelin.dsl.checkpoint.Checkpoint;
import dev.javelin.ir.value.NdArray;
import dev.javelin.runtime.Executor;
import dev.javelin.runtime.ProgramLayout;
import dev.javelin.runtime.cpu.CpuExecutor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A graph compiled for one target by {@link Javelin#compile}, holding its parameters between runs.
 * Run it with named {@link HostTensor} inputs; {@link #run(Map, Map)} writes the outputs into the
 * caller's tensors and allocates nothing once the model has run a few times (inputs and outputs are
 * copied once each between the caller's memory and the program's).
 *
 * <p>One run at a time: the methods are synchronized, so threads that share a model take turns;
 * for parallel requests, batch them into one run or compile one model per thread. Close it to
 * release its threads (CPU) or device memory (CUDA).
 */
public final class CompiledModel implements AutoCloseable {
    /**
     * An input, output or parameter: its name, dtype ({@code f32}, {@code i64}, ...) and shape.
     *
     * @param name the name (a parameter's path, such as {@code fc1.weight})
     * @param dtype the dtype's name
     * @param shape the dims, with every symbolic dimension at its compiled size
     */
    public record TensorSpec(String name, String dtype, long[] shape) {
        /**
         * Copies {@code shape}, so the spec cannot be changed through the caller's array.
         */
        public TensorSpec {
            shape = shape.clone();
        }

        /**
         * The dims.
         *
         * @return a copy of the shape
         */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        long count() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return name + ": " + dtype + Arrays.toString(shape);
        }
    }

    private final String name;
    private final String target;
    private final Executor executor;
    private final AutoCloseable resources;
    private final Map<String, TensorSpec> inputs;
    private final Map<String, TensorSpec> outputs;
    private final Map<String, TensorSpec> parameters;
    private final Set<String> unset;
    private final TensorSpec[] inputList;
    private final TensorSpec[] outputList;
    private final Map<TensorSpec, float[]> staging = new IdentityHashMap<>();
    private boolean closed;

    CompiledModel(String name, String target, Executor executor, AutoCloseable resources) {
        this.name = name;
        this.target = target;
        this.executor = executor;
        this.resources = resources;
        this.inputs = specs("input");
        this.outputs = specs("output");
        this.parameters = specs("parameter");
        this.unset = new LinkedHashSet<>(parameters.keySet());
        this.inputList = inputs.values().toArray(TensorSpec[]::new);
        this.outputList = outputs.values().toArray(TensorSpec[]::new);
    }

    private Map<String, TensorSpec> specs(String role) {
        Map<String, TensorSpec> m = new LinkedHashMap<>();
        for (ProgramLayout.Bind b : executor.layout().bindings(role)) {
            ProgramLayout.Slot s = executor.layout().slot(b.buffer());
            m.put(b.name(), new TensorSpec(b.name(), s.dtype(), s.shape()));
        }
        return m;
    }

    /**
     * The graph's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Where it runs: {@code cpu} or {@code cuda}.
     *
     * @return the target
     */
    public String target() {
        return target;
    }

    /**
     * The inputs a run needs, in the graph's order.
     *
     * @return an unmodifiable list
     */
    public List<TensorSpec> inputs() {
        return List.copyOf(inputs.values());
    }

    /**
     * The outputs a run returns, in the graph's order.
     *
     * @return an unmodifiable list
     */
    public List<TensorSpec> outputs() {
        return List.copyOf(outputs.values());
    }

    /**
     * The parameters the model holds between runs, in the graph's order.
     *
     * @return an unmodifiable list
     */
    public List<TensorSpec> parameters() {
        return List.copyOf(parameters.values());
    }

    /**
     * Sets one parameter (by its path, such as {@code fc1.weight}).
     *
     * @param path the parameter's path
     * @param value its value, of the parameter's shape
     * @throws JavelinException if the model has no such parameter, the shape differs or the model is closed
     */
    public synchronized void setParameter(String path, HostTensor value) {
        open();
        TensorSpec spec = parameters.get(path);
        if (spec == null) {
            throw new JavelinException(
                    "model " + name + " has no parameter '" + path + "' (parameters: " + parameters.keySet() + ")");
        }
        copyIn("parameter", spec, value);
        unset.remove(path);
    }

    /**
     * Sets parameters from host arrays by path (a {@link dev.javelin.dsl.Net}'s initial values, or a
     * checkpoint's tensors); every name must be a parameter of the model, with its shape.
     *
     * @param values the values by path
     * @throws JavelinException if a name is not a parameter, a shape differs or the model is closed
     */
    public synchronized void setParameters(Map<String, NdArray> values) {
        open();
        for (var e : values.entrySet()) {
            TensorSpec spec = parameters.get(e.getKey());
            if (spec == null) {
                throw new JavelinException("model " + name + " has no parameter '" + e.getKey() + "' (parameters: "
                        + parameters.keySet() + ")");
            }
            NdArray v = e.getValue();
            if (!Arrays.equals(v.shape(), spec.shape()) || !v.dtype().text().equals(spec.dtype())) {
                throw new JavelinException("parameter '" + e.getKey() + "' of model " + name + " is " + spec.dtype()
                        + Arrays.toString(spec.shape()) + ", given " + v.dtype().text() + Arrays.toString(v.shape()));
            }
            dev.javelin.compiler.exec.Feeds.set(executor, "parameter", e.getKey(), v);
            unset.remove(e.getKey());
        }
    }

    /**
     * A parameter's current value (after the assigns of the runs so far, for a training graph).
     *
     * @param path the parameter's path
     * @return a copy of its value
     * @throws JavelinException if the model has no such parameter or is closed
     */
    public synchronized NdArray parameter(String path) {
        open();
        spec(parameters, "parameter", path);
        return dev.javelin.compiler.exec.Feeds.get(executor, "parameter", path);
    }

    /**
     * Loads every parameter from a checkpoint ({@code .safetensors}, a checkpoint folder or an npy
     * folder, as {@link Checkpoint#load} reads them); tensors the model has no parameter for (such
     * as optimizer state) are left out, and a parameter the checkpoint lacks is an error.
     *
     * @param file the checkpoint
     * @throws JavelinException if the checkpoint cannot be read, lacks a parameter or holds one of another shape
     */
    public synchronized void loadCheckpoint(Path file) {
        open();
        Map<String, NdArray> all = Checkpoint.load(file);
        Map<String, NdArray> mine = new LinkedHashMap<>();
        for (String p : parameters.keySet()) {
            NdArray v = all.get(p);
            if (v == null) {
                throw new JavelinException("checkpoint " + file + " has no tensor '" + p + "', a parameter of model "
                        + name + " (it holds " + all.size() + " tensors)");
            }
            mine.put(p, v);
        }
        setParameters(mine);
    }

    /**
     * Runs once and returns every output as a new tensor (floats, or longs for integer outputs).
     *
     * @param in every input by name, of its spec's shape
     * @return the outputs by name
     * @throws JavelinException if an input is missing, extra or of another shape, or the model is closed
     */
    public synchronized Map<String, HostTensor> run(Map<String, HostTensor> in) {
        execute(in);
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (TensorSpec s : outputs.values()) {
            out.put(
                    s.name(),
                    s.dtype().equals("f32") || isWideFloat(s.dtype())
                            ? HostTensor.of(floats(s), s.shape())
                            : HostTensor.ofLongs(executor.getLongs("output", s.name()), s.shape()));
        }
        return out;
    }

    /**
     * Runs once and writes the outputs named in {@code out} into those tensors (each of its output's
     * shape and kind); outputs not named are not copied.
     *
     * @param in every input by name, of its spec's shape
     * @param out the tensors to write outputs into, by output name
     * @throws JavelinException if an input or output is unknown, missing or of another shape, or the model is closed
     */
    public synchronized void run(Map<String, HostTensor> in, Map<String, HostTensor> out) {
        // Indexed loops over the model's own specs and Map.get: no iterator, so a steady-state run
        // allocates nothing. Names the model does not have are found only when the counts disagree.
        int named = 0;
        for (TensorSpec s : outputList) {
            HostTensor t = out.get(s.name());
            if (t != null) {
                check(s, t, "output");
                named++;
            }
        }
        if (named != out.size()) {
            out.keySet().forEach(n -> spec(outputs, "output", n));
        }
        execute(in);
        for (TensorSpec s : outputList) {
            HostTensor t = out.get(s.name());
            if (t == null) {
                continue;
            }
            if (t.isIntegral()) {
                long[] v = executor.getLongs("output", s.name());
                System.arraycopy(v, 0, t.longArray(), 0, v.length);
            } else if (s.dtype().equals("f32") && executor instanceof CpuExecutor cpu) {
                float[] buffer = t.floatArray() != null ? t.floatArray() : stage(s);
                cpu.get("output", s.name(), buffer);
                if (buffer != t.floatArray()) {
                    t.writeFloats(buffer);
                }
            } else {
                t.writeFloats(floats(s));
            }
        }
    }

    private void execute(Map<String, HostTensor> in) {
        open();
        if (!unset.isEmpty()) {
            throw new JavelinException("model " + name + " has parameters without values: " + unset
                    + " (setParameter, setParameters or loadCheckpoint)");
        }
        int found = 0;
        for (TensorSpec s : inputList) {
            if (in.get(s.name()) != null) {
                found++;
            }
        }
        if (found != in.size()) {
            in.keySet().forEach(n -> spec(inputs, "input", n));
        }
        for (TensorSpec s : inputList) {
            HostTensor t = in.get(s.name());
            if (t == null) {
                throw new JavelinException(
                        "input '" + s.name() + "' of model " + name + " is missing (inputs: " + inputs.values() + ")");
            }
            copyIn("input", s, t);
        }
        executor.run();
    }

    private void copyIn(String role, TensorSpec s, HostTensor t) {
        check(s, t, role);
        if (t.isIntegral()) {
            executor.set(role, s.name(), t.longArray());
        } else if (s.dtype().equals("f32")) {
            float[] values = t.floatArray() != null ? t.floatArray() : stage(s);
            if (values != t.floatArray()) {
                t.readFloats(values);
            }
            executor.set(role, s.name(), values);
        } else {
            float[] values = stage(s);
            t.readFloats(values);
            double[] wide = new double[values.length];
            for (int i = 0; i < wide.length; i++) {
                wide[i] = values[i];
            }
            executor.set(role, s.name(), wide);
        }
    }

    private void check(TensorSpec s, HostTensor t, String role) {
        boolean integral = !s.dtype().equals("f32") && !isWideFloat(s.dtype());
        if (!t.hasShape(s.shape)) {
            throw new JavelinException(role + " '" + s.name() + "' of model " + name + " is " + s.dtype()
                    + Arrays.toString(s.shape()) + ", given a tensor of shape " + Arrays.toString(t.shape()));
        }
        if (integral != t.isIntegral()) {
            throw new JavelinException(role + " '" + s.name() + "' of model " + name + " is " + s.dtype() + ", given "
                    + (t.isIntegral() ? "integers (HostTensor.ofLongs)" : "floats") + "; use "
                    + (integral ? "HostTensor.ofLongs" : "HostTensor.of with floats"));
        }
    }

    private static boolean isWideFloat(String dtype) {
        return dtype.equals("f64") || dtype.equals("f16") || dtype.equals("bf16");
    }

    private float[] floats(TensorSpec s) {
        if (s.dtype().equals("f32")) {
            return executor.get("output", s.name());
        }
        double[] d = executor.getDoubles("output", s.name());
        float[] f = new float[d.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private float[] stage(TensorSpec s) {
        float[] buffer = staging.get(s);
        if (buffer == null) {
            buffer = new float[Math.toIntExact(s.count())];
            staging.put(s, buffer);
        }
        return buffer;
    }

    private TensorSpec spec(Map<String, TensorSpec> specs, String role, String n) {
        TensorSpec s = specs.get(n);
        if (s == null) {
            throw new JavelinException(
                    "model " + name + " has no " + role + " '" + n + "' (" + role + "s: " + specs.keySet() + ")");
        }
        return s;
    }

    private void open() {
        if (closed) {
            throw new JavelinException("model " + name + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            resources.close();
        } catch (Exception e) {
            throw new JavelinException("closing model " + name + ": " + e.getMessage(), e);
        }
    }
}
