package dev.javelin.ir.kernel;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.plan.Binding;
import dev.javelin.ir.plan.Buffer;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference semantics of the kernel IR: runs a plan's lowered stages in float64 over one
 * memory block laid out exactly as the backend lays it out ({@link MemoryLayout}: in-place writes,
 * update buffers over their parameters and scratch in arena gaps all share bytes as they do on the
 * device), so comparing it with the graph interpreter tests lowering itself, apart from any
 * renderer. A loop stage evaluates every store's value over its whole nest before it stores
 * (an iteration loads before it stores, and {@link Hazards} keeps a loop from reading another
 * iteration's store); element operations are the graph interpreter's ({@link
 * Interpreter#evaluate}). A kernel with a backend's custom stage (a library call or template) has
 * no loop records to run: its body is evaluated by the graph interpreter instead, reading and
 * writing the same memory.
 */
public final class KernelInterpreter {
    /**
     * A plan lowered by one backend: the memory layout it used, each kernel's stages, and the values
     * of the constant arrays its stages read, by array name.
     */
    public record Lowered(MemoryLayout memory, List<List<Stage>> stages, Map<String, double[]> constants) {}

    private final Plan plan;
    private final Lowered lowered;
    /** The memory block: the value of the element that starts at each byte. */
    private final double[] memory;

    private KernelInterpreter(Plan plan, Lowered lowered) {
        this.plan = plan;
        this.lowered = lowered;
        this.memory = new double[Math.toIntExact(lowered.memory().bytes())];
    }

    /** Outputs and parameter updates of one run of {@code plan} as {@code lowered}, on {@code feeds}. */
    public static Interpreter.Result run(Plan plan, Lowered lowered, Map<String, NdArray> feeds) {
        KernelInterpreter k = new KernelInterpreter(plan, lowered);
        for (Binding b : plan.bindings()) {
            if (b.role() == Binding.Role.INPUT || b.role() == Binding.Role.PARAMETER) {
                NdArray v = feeds.get(b.name());
                if (v == null) {
                    throw new IllegalArgumentException("no feed for " + b.role().text() + " " + b.name());
                }
                k.write(b.buffer(), v);
            }
        }
        for (int i = 0; i < plan.kernels().size(); i++) {
            k.kernel(plan.kernels().get(i), lowered.stages().get(i));
        }
        Map<String, NdArray> outputs = new LinkedHashMap<>();
        plan.bindings(Binding.Role.OUTPUT).forEach(b -> outputs.put(b.name(), k.read(b.buffer())));
        Map<String, NdArray> updated = new LinkedHashMap<>();
        plan.bindings(Binding.Role.ASSIGN).forEach(b -> updated.put(b.name(), k.read(b.buffer())));
        return new Interpreter.Result(outputs, updated);
    }

    private void kernel(Kernel k, List<Stage> stages) {
        if (stages.stream().anyMatch(s -> s instanceof Stage.Custom)) {
            Map<String, NdArray> env = new HashMap<>();
            k.reads().forEach(r -> env.put(r, read(r)));
            for (Node n : k.body()) {
                env.put(
                        n.name(),
                        Interpreter.evaluate(
                                n, n.inputs().stream().map(env::get).toList(), plan.sizes()));
            }
            k.writes().forEach(w -> write(w, env.get(w)));
            return;
        }
        for (Stage s : stages) {
            switch (s) {
                case Stage.Pointwise p -> {
                    List<NdArray> values = new ArrayList<>();
                    p.stores().forEach(st -> values.add(eval(st.value(), p.loop(), new HashMap<>())));
                    for (int i = 0; i < values.size(); i++) {
                        Stage.Store st = p.stores().get(i);
                        store(st.ref(), st.index(), p.loop(), values.get(i));
                    }
                }
                case Stage.Reduce r -> {
                    List<NdArray> results = new ArrayList<>();
                    long[] kept = kept(r);
                    for (Stage.Accumulate a : r.accumulates()) {
                        NdArray v = eval(a.value(), r.loop(), new HashMap<>());
                        List<Integer> axes = new ArrayList<>();
                        for (int d = 0; d < r.loop().length; d++) {
                            if (r.reduced()[d]) {
                                axes.add(d);
                            }
                        }
                        results.add(op(new Reduce(a.fn(), axes, false), a.ref().dtype(), kept, v));
                    }
                    for (int i = 0; i < results.size(); i++) {
                        Stage.Accumulate a = r.accumulates().get(i);
                        store(a.ref(), keptIndex(a.index(), r.reduced()), kept, results.get(i));
                    }
                }
                case Stage.Custom c -> throw new IllegalStateException("unreachable");
            }
        }
    }

    private static long[] kept(Stage.Reduce r) {
        List<Long> out = new ArrayList<>();
        for (int d = 0; d < r.loop().length; d++) {
            if (!r.reduced()[d]) {
                out.add(r.loop()[d]);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    /** An accumulation's index over the kept loops alone (it does not depend on the reduced ones). */
    private static Affine keptIndex(Affine index, boolean[] reduced) {
        int n = 0;
        for (boolean r : reduced) {
            n += r ? 0 : 1;
        }
        long[] coef = new long[n];
        for (int d = 0, k = 0; d < reduced.length; d++) {
            if (reduced[d]) {
                if (index.coef(d) != 0) {
                    throw new IllegalStateException("an accumulation's index depends on reduced loop " + d);
                }
            } else {
                coef[k++] = index.coef(d);
            }
        }
        return new Affine(index.constant(), coef);
    }

    /** The value of {@code e} at every point of a nest over {@code loop}, shaped like the nest. */
    private NdArray eval(Expr e, long[] loop, Map<Expr, NdArray> done) {
        NdArray known = done.get(e);
        if (known != null) {
            return known;
        }
        NdArray v = switch (e) {
            case Expr.Load l -> load(l.ref(), l.index(), loop);
            case Expr.Literal l -> fill(l.dtype(), loop, l.value());
            case Expr.Iota i -> affine(i.dtype(), i.value(), loop);
            case Expr.Unary u -> op(new Unary(u.fn()), u.dtype(), loop, eval(u.x(), loop, done));
            case Expr.Binary b ->
                op(new Binary(b.fn()), b.dtype(), loop, eval(b.a(), loop, done), eval(b.b(), loop, done));
            case Expr.Select s ->
                op(
                        new Select(),
                        s.dtype(),
                        loop,
                        eval(s.cond(), loop, done),
                        eval(s.a(), loop, done),
                        eval(s.b(), loop, done));
            case Expr.Cast c -> op(new Cast(c.dtype()), c.dtype(), loop, eval(c.x(), loop, done));
            case Expr.Random r -> random(r, loop, eval(r.offset(), loop, done));
        };
        done.put(e, v);
        return v;
    }

    private static NdArray op(dev.javelin.ir.op.Op op, DType t, long[] shape, NdArray... operands) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < operands.length; i++) {
            names.add("x" + i);
        }
        Node n = new Node("r", op, names, TensorType.of(t, shape));
        return Interpreter.evaluate(n, List.of(operands), Map.of());
    }

    /** Element {@code index} of a Philox draw at every point: the draw over the largest index, picked. */
    private static NdArray random(Expr.Random r, long[] loop, NdArray offset) {
        long[] flat = indices(r.index(), loop);
        long top = 0;
        for (long f : flat) {
            top = Math.max(top, f);
        }
        TensorType drawn = TensorType.of(r.dtype(), top + 1);
        Node n = new Node("r", new RandomOp(r.distribution(), r.seed(), drawn), List.of("offset"), drawn);
        NdArray scalar = NdArray.zeros(offset.dtype());
        scalar.setLong(0, offset.getLong(0));
        NdArray all = Interpreter.evaluate(n, List.of(scalar), Map.of());
        NdArray out = NdArray.zeros(r.dtype(), loop);
        for (int i = 0; i < flat.length; i++) {
            out.set(i, all.get((int) flat[i]));
        }
        return out;
    }

    private static NdArray fill(DType t, long[] loop, double value) {
        NdArray out = NdArray.zeros(t, loop);
        for (int i = 0; i < out.size(); i++) {
            set(out, i, value);
        }
        return out;
    }

    private static NdArray affine(DType t, Affine a, long[] loop) {
        long[] flat = indices(a, loop);
        NdArray out = NdArray.zeros(t, loop);
        for (int i = 0; i < flat.length; i++) {
            out.setLong(i, flat[i]);
        }
        return out;
    }

    /** The affine function's value at every point of the nest, in row-major order. */
    private static long[] indices(Affine a, long[] loop) {
        int n = 1;
        for (long d : loop) {
            n = Math.multiplyExact(n, Math.toIntExact(d));
        }
        long[] out = new long[n];
        long[] at = new long[loop.length];
        for (int i = 0; i < n; i++) {
            long v = a.constant();
            for (int d = 0; d < loop.length; d++) {
                v += a.coef(d) * at[d];
            }
            out[i] = v;
            for (int d = loop.length - 1; d >= 0; d--) {
                if (++at[d] < loop[d]) {
                    break;
                }
                at[d] = 0;
            }
        }
        return out;
    }

    private NdArray load(Ref ref, Affine index, long[] loop) {
        long[] flat = indices(index, loop);
        NdArray out = NdArray.zeros(ref.dtype(), loop);
        for (int i = 0; i < flat.length; i++) {
            set(out, i, element(ref, flat[i]));
        }
        return out;
    }

    private double element(Ref ref, long index) {
        if (ref.kind() == Ref.Kind.ARRAY) {
            double[] values = lowered.constants().get(ref.array());
            if (values == null) {
                throw new IllegalStateException("no values for array " + ref.array());
            }
            return values[Math.toIntExact(index)];
        }
        return memory[Math.toIntExact(index * MemoryLayout.elementBytes(ref.dtype()))];
    }

    private void store(Ref ref, Affine index, long[] loop, NdArray values) {
        if (ref.kind() != Ref.Kind.MEMORY) {
            throw new IllegalStateException("a store into array " + ref.array() + " outside the memory block");
        }
        long[] flat = indices(index, loop);
        int size = MemoryLayout.elementBytes(ref.dtype());
        for (int i = 0; i < flat.length; i++) {
            memory[Math.toIntExact(flat[i] * size)] = get(values, i);
        }
    }

    private NdArray read(String buffer) {
        Buffer b = plan.buffer(buffer);
        long[] shape = b.type().shape().dims().stream().mapToLong(d -> d.size()).toArray();
        DType t = b.type().dtype();
        Place p = Place.dense(new Ref("m", t, Ref.Kind.MEMORY, false), 0, shape);
        long base = lowered.memory().byteOffset(buffer) / MemoryLayout.elementBytes(t);
        Affine[] idx = new Affine[shape.length];
        for (int d = 0; d < shape.length; d++) {
            idx[d] = Affine.variable(d, shape.length);
        }
        return load(p.ref(), p.index(idx, shape.length).plus(base), shape);
    }

    private void write(String buffer, NdArray v) {
        long at = lowered.memory().byteOffset(buffer);
        int size = MemoryLayout.elementBytes(v.dtype());
        for (int i = 0; i < v.size(); i++) {
            memory[Math.toIntExact(at + (long) i * size)] = get(v, i);
        }
    }

    private static double get(NdArray a, int i) {
        return a.dtype().isInteger() ? a.getLong(i) : a.get(i);
    }

    private static void set(NdArray a, int i, double v) {
        if (a.dtype().isInteger()) {
            a.setLong(i, (long) v);
        } else {
            a.set(i, v);
        }
    }
}
