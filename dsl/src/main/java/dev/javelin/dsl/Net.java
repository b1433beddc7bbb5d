package dev.javelin.dsl;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One traced graph: the inputs, parameters and operations a model's Java code performs, recorded
 * as it runs. Build one per graph (a training step, an evaluation pass); modules can be traced
 * into many nets, and parameters keep their names (paths), so all of them share one set of
 * weights.
 */
public final class Net {
    /** The DSL's own frames, skipped to find the user's line; the user's modules are never among them. */
    private static final Set<String> DSL_FRAMES = Set.of(
            "dev.javelin.dsl.Tensor",
            "dev.javelin.dsl.Net",
            "dev.javelin.dsl.Param",
            "dev.javelin.dsl.F",
            "dev.javelin.dsl.Loss",
            "dev.javelin.dsl.Control",
            "dev.javelin.dsl.CustomOp",
            "dev.javelin.dsl.Shapes",
            "dev.javelin.dsl.nn.",
            "dev.javelin.dsl.init.",
            "dev.javelin.dsl.optim.",
            "dev.javelin.dsl.train.",
            "dev.javelin.ir.graph.GraphBuilder",
            "dev.javelin.ir.autodiff.");

    private final GraphBuilder builder;
    private final Mode mode;
    private final Map<Param, String> paths = new IdentityHashMap<>();
    private final Map<String, Param> params = new LinkedHashMap<>();
    private final Map<Param, Tensor> nodes = new IdentityHashMap<>();
    private Tensor step;
    private final Map<String, Long> labelRanges = new LinkedHashMap<>();
    private final Map<String, dev.javelin.ir.autodiff.GradientOverride> overrides = new LinkedHashMap<>();

    /**
     * A net in {@link Mode#TRAIN} mode, whose graph will be named {@code name}.
     *
     * @param name the graph's name, shown in errors and reports
     */
    public Net(String name) {
        this(name, Mode.TRAIN);
    }

    /**
     * A net in the given mode, whose graph will be named {@code name}.
     *
     * @param name the graph's name, shown in errors and reports
     * @param mode whether layers such as dropout and batch norm trace their training or evaluation form
     */
    public Net(String name, Mode mode) {
        this.builder = new GraphBuilder(name, DSL_FRAMES);
        this.mode = mode;
    }

    /**
     * Whether layers trace their training or evaluation form.
     *
     * @return the mode given at construction
     */
    public Mode mode() {
        return mode;
    }

    /**
     * Whether this net traces the training form of layers such as dropout and batch norm.
     *
     * @return true in {@link Mode#TRAIN} mode
     */
    public boolean training() {
        return mode == Mode.TRAIN;
    }

    /**
     * The underlying builder, for graph transformations (autodiff, optimizers).
     *
     * @return the graph builder this net records into
     */
    public GraphBuilder builder() {
        return builder;
    }

    /**
     * A placeholder fed at each run; dims are sizes and symbols, e.g. {@code input("x", F32, "batch", 784)}.
     *
     * @param name the input's name, by which it is fed at run time
     * @param dtype the element type
     * @param dims the dims: integer sizes and symbol names
     * @return the input as a tensor
     */
    public Tensor input(String name, DType dtype, Object... dims) {
        return wrap(builder.input(name, new TensorType(dtype, Shape.dims(dims))));
    }

    /**
     * Registers {@code root}'s parameters under their paths (prefixed by {@code prefix} unless empty).
     *
     * @param <M> the module's type
     * @param prefix the path prefix, or "" for none
     * @param root the module
     * @return {@code root}, for chaining
     */
    public <M extends Module> M module(String prefix, M root) {
        register(prefix, root, Collections.newSetFromMap(new IdentityHashMap<>()));
        return root;
    }

    /**
     * Registers {@code root}'s parameters under their paths.
     *
     * @param <M> the module's type
     * @param root the module
     * @return {@code root}, for chaining
     */
    public <M extends Module> M module(M root) {
        return module("", root);
    }

    private void register(String prefix, Module m, Set<Module> seen) {
        if (!seen.add(m)) {
            return;
        }
        for (var e : m.children().entrySet()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            switch (e.getValue()) {
                case Module child -> register(path, child, seen);
                case Param p -> parameter(path, p);
                default -> throw new IllegalStateException("unexpected child " + e.getValue());
            }
        }
    }

    /**
     * Registers a parameter under an explicit path and returns it as a tensor of this net.
     *
     * @param path the parameter's path, its name in checkpoints and the compiled model
     * @param p the parameter
     * @return the parameter's tensor
     * @throws IllegalArgumentException if {@code p} is already registered under another path, or another
     *     parameter under {@code path}
     */
    public Tensor parameter(String path, Param p) {
        String known = paths.get(p);
        if (known != null && !known.equals(path)) {
            throw new IllegalArgumentException("parameter already registered as '" + known + "', not '" + path + "'");
        }
        Param other = params.get(path);
        if (other != null && other != p) {
            throw new IllegalArgumentException("two different parameters are named '" + path + "'");
        }
        paths.put(p, path);
        params.put(path, p);
        return parameter(p);
    }

    /** The tensor of a registered parameter (its node is made on first use). */
    Tensor parameter(Param p) {
        Tensor t = nodes.get(p);
        if (t == null) {
            String path = paths.get(p);
            if (path == null) {
                throw new IllegalStateException("a parameter of type " + p.type() + " is used, but its module was"
                        + " not registered: call net.module(model) before tracing it");
            }
            t = wrap(builder.parameter(path, p.type()));
            nodes.put(p, t);
        }
        return t;
    }

    /**
     * Every registered parameter by path, in registration order.
     *
     * @return an unmodifiable map from path to parameter
     */
    public Map<String, Param> params() {
        return Collections.unmodifiableMap(params);
    }

    /**
     * The path of a registered parameter.
     *
     * @param p a registered parameter
     * @return its path
     * @throws IllegalArgumentException if {@code p} is not registered in this net
     */
    public String path(Param p) {
        String path = paths.get(p);
        if (path == null) {
            throw new IllegalArgumentException("parameter of type " + p.type() + " is not registered in this net");
        }
        return path;
    }

    /**
     * The parameters used in the graph so far, by path (registered but unused ones are not in the graph).
     *
     * @return a new map from path to parameter, in registration order
     */
    public Map<String, Param> usedParams() {
        Map<String, Param> used = new LinkedHashMap<>();
        params.forEach((path, p) -> {
            if (nodes.containsKey(p)) {
                used.put(path, p);
            }
        });
        return used;
    }

    /**
     * Initial values of every used parameter, seeded per path from {@code seed}.
     *
     * @param seed the seed, mixed with each parameter's path
     * @return a new map from path to initial value
     */
    public Map<String, NdArray> initialValues(long seed) {
        Map<String, NdArray> out = new LinkedHashMap<>();
        usedParams().forEach((path, p) -> out.put(path, p.init().create(p.type(), seed ^ mix(path))));
        return out;
    }

    private static long mix(String path) {
        long h = 1125899906842597L;
        for (int i = 0; i < path.length(); i++) {
            h = 31 * h + path.charAt(i);
        }
        return h * 0x9E3779B97F4A7C15L;
    }

    /**
     * The i64 step counter input {@code step}, made on first use (random ops offset their draws by it).
     *
     * @return the step counter, a rank-0 i64 tensor
     */
    public Tensor step() {
        if (step == null) {
            step = wrap(builder.input("step", TensorType.scalar(DType.I64)));
        }
        return step;
    }

    /**
     * Records that the integer input behind {@code labels} must hold values in {@code [0, classes)}:
     * an out-of-range label would silently select nothing, so feeds are checked before each run.
     */
    void requireLabelRange(Tensor labels, long classes) {
        if (!labels.dtype().isInteger()) {
            throw new IllegalArgumentException("labels must be integers (i32 or i64), found " + labels.type());
        }
        var node = builder.node(labels.value());
        if (node.op() instanceof dev.javelin.ir.op.Input) {
            labelRanges.merge(node.name(), classes, Math::min);
        }
    }

    /** Registers a user-given gradient for {@code output} (see {@link CustomOp}). */
    void overrideGradient(Tensor output, dev.javelin.ir.autodiff.GradientOverride o) {
        overrides.put(output.value().name(), o);
    }

    /**
     * The user-given gradients of custom ops, by node name, for autodiff.
     *
     * @return an unmodifiable map from node name to gradient override
     */
    public Map<String, dev.javelin.ir.autodiff.GradientOverride> gradientOverrides() {
        return Collections.unmodifiableMap(overrides);
    }

    /**
     * Integer inputs whose values must lie in {@code [0, bound)}, by input name.
     *
     * @return an unmodifiable map from input name to the exclusive upper bound
     */
    public Map<String, Long> labelRanges() {
        return Collections.unmodifiableMap(labelRanges);
    }

    /**
     * After the run, parameter {@code p} holds {@code value} (reads in the same run see the old value).
     *
     * @param p the parameter to update; it must be registered
     * @param value the new value, cast to the parameter's dtype
     */
    public void assign(Param p, Tensor value) {
        builder.assign(parameter(p).value(), value.cast(p.type().dtype()).value());
    }

    /**
     * A constant tensor with the given values in row-major order.
     *
     * @param type the constant's dtype and static shape
     * @param values the elements, one per element of the shape
     * @return the constant as a tensor
     */
    public Tensor constant(TensorType type, double... values) {
        return wrap(builder.constant(type, values));
    }

    /**
     * A rank-0 constant.
     *
     * @param value the value
     * @param dtype its dtype
     * @return the constant as a tensor
     */
    public Tensor scalar(double value, DType dtype) {
        return wrap(builder.scalar(dtype, value));
    }

    /**
     * Marks {@code t} as a graph output named {@code name}, by which the compiled model returns it.
     *
     * @param name the output's name
     * @param t the tensor to return
     * @return this net, for chaining
     */
    public Net output(String name, Tensor t) {
        builder.output(name, t.value());
        return this;
    }

    /**
     * Finishes tracing: the graph of every input, parameter, operation, output and assignment recorded.
     *
     * @return the traced graph
     */
    public Graph build() {
        return builder.build();
    }

    /**
     * A value of this net's builder (made by a graph transformation such as autodiff) as a tensor.
     *
     * @param v a value of this net's builder
     * @return the value as a tensor of this net
     */
    public Tensor tensor(Value v) {
        builder.node(v);
        return wrap(v);
    }

    Tensor wrap(Value v) {
        return new Tensor(this, v);
    }
}
