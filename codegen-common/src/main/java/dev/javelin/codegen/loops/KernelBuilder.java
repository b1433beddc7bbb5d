package dev.javelin.codegen.loops;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.kernel.Affine;
import dev.javelin.ir.kernel.Expr;
import dev.javelin.ir.kernel.Hazards;
import dev.javelin.ir.kernel.KernelCheck;
import dev.javelin.ir.kernel.KernelInterpreter;
import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.kernel.Stage;
import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.Pad;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.op.Unary;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.plan.Kernel;
import dev.javelin.ir.type.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one kernel's body into stages. Pointwise nodes, iota, splat constants and views stay lazy:
 * element expressions inlined into whatever consumes them, views becoming affine indices. A node is
 * stored only where it must be: a write of the kernel (into its buffer), a reduction (into a
 * scratch array of its result's size), a heavy node (matmul, convolution, pooling, gather, scatter,
 * arg-max: the backend's {@link LoweringTarget#heavy}), or the operand of a view that affine indices cannot express. Stores
 * over the same loop nest share one stage, so the writes of a fused group cost one pass. Where the
 * target asks ({@link LoweringTarget#storesCostlyReductionInputs}), a costly lazy value a reduction
 * reads is stored once in a buffer the kernel writes anyway ({@link #storeOnce}).
 */
public final class KernelBuilder {
    private final LoweringTarget ctx;
    private final Kernel kernel;
    private final Map<String, Val> env = new HashMap<>();
    private final Map<String, Place> stored = new HashMap<>();
    private final List<Stage> stages = new ArrayList<>();
    private final Set<String> writes;
    /** Kernel writes whose buffers already hold a costly reduction input ({@link #storeOnce}). */
    private final Set<String> homes = new java.util.HashSet<>();

    /** Every kernel of {@code ctx}'s plan lowered, in plan order, with the layout and constants used. */
    public static KernelInterpreter.Lowered lowerAll(LoweringTarget ctx) {
        List<List<Stage>> stages = new ArrayList<>();
        for (Kernel k : ctx.plan().kernels()) {
            stages.add(new KernelBuilder(ctx, k).build());
        }
        return new KernelInterpreter.Lowered(ctx.memory(), stages, ctx.constants());
    }

    public KernelBuilder(LoweringTarget ctx, Kernel kernel) {
        this.ctx = ctx;
        this.kernel = kernel;
        this.writes = Set.copyOf(kernel.writes());
    }

    /**
     * The kernel's stages. A write placed over a read (the memory planner's in-place reuse) is safe
     * when no loop reads an element of the read after a loop has overwritten it: loops before the
     * first store into the write read the old values, and the loop of that store may read each
     * element where it writes it ({@link Hazards#readsAfterOverwrite}). Where a read breaks this, the
     * loops that overwrite it move after the others if that computes the same thing ({@link
     * Hazards#sinkStores}); only otherwise is the read first copied to scratch (an optimizer's multi-tensor update writes each new weight over its
     * dying gradient in that tensor's own loop, so it copies nothing). The stages are checked
     * ({@link KernelCheck}) before they are returned.
     */
    public List<Stage> build() {
        List<Stage> out = lower();
        KernelCheck.verify(kernel, out, ctx.memory());
        return out;
    }

    private List<Stage> lower() {
        List<Stage> first = build(Set.of());
        if (first.size() <= 1) {
            return first;
        }
        Set<String> overwritten = overwritten(first);
        if (overwritten.isEmpty()) {
            return first;
        }
        List<Place> hazardous = new java.util.ArrayList<>();
        for (String w : kernel.writes()) {
            if (overwritten.stream().anyMatch(r -> overlaps(r, w))) {
                hazardous.add(ctx.produced(w));
            }
        }
        List<Stage> sunk = Hazards.sinkStores(first, hazardous);
        if (sunk != null && overwritten(sunk).isEmpty()) {
            return sunk;
        }
        env.clear();
        stored.clear();
        stages.clear();
        homes.clear();
        return build(overwritten);
    }

    /** The reads some loop of {@code stages} reads after a loop overwrote them ({@link Hazards#readsAfterOverwrite}). */
    private Set<String> overwritten(List<Stage> stages) {
        Set<String> out = new java.util.HashSet<>();
        for (String r : kernel.reads()) {
            for (String w : kernel.writes()) {
                if (!r.equals(w)
                        && overlaps(r, w)
                        && Hazards.readsAfterOverwrite(stages, ctx.place(r), ctx.produced(w))) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private boolean overlaps(String a, String b) {
        var ba = ctx.plan().buffer(a);
        var bb = ctx.plan().buffer(b);
        long a0 = ctx.memory().byteOffset(a);
        long b0 = ctx.memory().byteOffset(b);
        return a0 < b0 + bb.bytes() && b0 < a0 + ba.bytes();
    }

    private List<Stage> build(Set<String> copyFirst) {
        ctx.memory().enter(kernel);
        for (String r : kernel.reads()) {
            Place p = ctx.place(r);
            if (copyFirst.contains(r)) {
                Place copy = ctx.scratch(p.ref().dtype(), p.shape());
                storeAll(copy, new Val.Placed(p));
                p = copy;
            }
            env.put(r, new Val.Placed(p));
        }
        if (kernel.kind() == Kernel.Kind.ATTENTION) {
            return attention();
        }
        for (Node n : kernel.body()) {
            try {
                Val v = node(n);
                env.put(n.name(), v);
                if (writes.contains(n.name())) {
                    write(n, v);
                }
            } catch (UnsupportedKernelException e) {
                throw new UnsupportedKernelException("kernel " + kernel.name() + ", node %" + n.name() + " ("
                        + n.op().mnemonic() + " : " + n.type() + "): " + e.getMessage());
            }
        }
        return stages;
    }

    /**
     * An attention kernel: the folded views and constants of its body as usual, then the whole
     * pattern as the target's {@link LoweringTarget#attention} template.
     */
    private List<Stage> attention() {
        try {
            AttentionParts parts = AttentionParts.of(kernel);
            for (Node n : kernel.body()) {
                if (!parts.chain().contains(n.name())) {
                    env.put(n.name(), node(n));
                }
            }
            ctx.attention(parts, target(parts.product()), this);
        } catch (UnsupportedKernelException e) {
            throw new UnsupportedKernelException("kernel " + kernel.name() + ": " + e.getMessage());
        }
        return stages;
    }

    /** Where the value of {@code name} (a read or a body node) is: its place, or a dense copy of a lazy value. */
    public Place place(String name) {
        Val v = env.get(name);
        int r = v.shape().length;
        return v instanceof Val.Placed p
                ? p.place()
                : materialize(v, v.at(Val.identity(r), r).dtype(), name);
    }

    private Val in(Node n, int i) {
        return env.get(n.inputs().get(i));
    }

    public static long[] shape(Node n) {
        return n.type().shape().dims().stream().mapToLong(d -> d.size()).toArray();
    }

    private Val node(Node n) {
        long[] shape = shape(n);
        DType t = n.type().dtype();
        return switch (n.op()) {
            case Unary u -> {
                Val x = in(n, 0);
                yield new Val.Lazy(shape, (idx, r) -> new Expr.Unary(u.fn(), x.at(idx, r), t));
            }
            case Binary b -> {
                Val x = in(n, 0);
                Val y = in(n, 1);
                yield new Val.Lazy(
                        shape,
                        (idx, r) -> new Expr.Binary(
                                b.fn(),
                                x.at(Val.broadcastIndex(idx, x.shape(), r), r),
                                y.at(Val.broadcastIndex(idx, y.shape(), r), r),
                                t));
            }
            case Select s -> {
                Val c = in(n, 0);
                Val x = in(n, 1);
                Val y = in(n, 2);
                yield new Val.Lazy(
                        shape,
                        (idx, r) -> new Expr.Select(
                                c.at(Val.broadcastIndex(idx, c.shape(), r), r),
                                x.at(Val.broadcastIndex(idx, x.shape(), r), r),
                                y.at(Val.broadcastIndex(idx, y.shape(), r), r),
                                t));
            }
            case Cast c -> {
                Val x = in(n, 0);
                yield new Val.Lazy(shape, (idx, r) -> new Expr.Cast(x.at(idx, r), t));
            }
            case Assign a -> in(n, 1);
            case Constant c -> constant(c, shape, t);
            case Iota i -> new Val.Lazy(shape, (idx, r) -> new Expr.Iota(t, idx[i.axis()]));
            case RandomOp ro -> random(n, ro, shape, t);
            case Broadcast b -> broadcast(in(n, 0), shape);
            case Permute p ->
                permute(in(n, 0), p.perm().stream().mapToInt(Integer::intValue).toArray(), shape);
            case Slice s -> slice(in(n, 0), s, shape);
            case Reshape rs -> reshape(in(n, 0), shape, n.inputs().get(0), t);
            case Reduce r -> reduce(n, r, shape, t);
            case Pad p -> pad(n, p, shape, t);
            case Concat c -> concat(n, c, shape, t);
            default -> new Val.Placed(ctx.heavy(n, target(n), this));
        };
    }

    private Val constant(Constant c, long[] shape, DType t) {
        double[] values = c.values();
        boolean splat = Arrays.stream(values)
                .allMatch(v -> Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(values[0]));
        if (splat) {
            Expr lit = new Expr.Literal(t, values[0]);
            return new Val.Lazy(shape, (idx, r) -> lit);
        }
        return new Val.Placed(Place.dense(ctx.constant(t, values), 0, shape));
    }

    /** A random draw is lazy: element i is a pure function of (seed, offset, i). */
    private Val random(Node n, RandomOp ro, long[] shape, DType t) {
        Val offset = n.inputs().isEmpty() ? null : in(n, 0);
        long[] strides = Place.rowMajor(shape);
        return new Val.Lazy(shape, (idx, r) -> {
            Affine linear = Affine.constant(0, r);
            for (int d = 0; d < shape.length; d++) {
                linear = linear.plus(idx[d].times(strides[d]));
            }
            Expr off = offset == null ? new Expr.Literal(DType.I64, 0) : offset.at(new Affine[0], r);
            return new Expr.Random(ro.distribution(), ro.seed(), off, linear, t);
        });
    }

    private static Val broadcast(Val x, long[] shape) {
        if (x instanceof Val.Placed p) {
            return new Val.Placed(p.place().broadcast(shape));
        }
        return new Val.Lazy(shape, (idx, r) -> x.at(Val.broadcastIndex(idx, x.shape(), r), r));
    }

    private static Val permute(Val x, int[] perm, long[] shape) {
        if (x instanceof Val.Placed p) {
            return new Val.Placed(p.place().permute(perm));
        }
        return new Val.Lazy(shape, (idx, r) -> {
            Affine[] in = new Affine[perm.length];
            for (int i = 0; i < perm.length; i++) {
                in[perm[i]] = idx[i];
            }
            return x.at(in, r);
        });
    }

    private static Val slice(Val x, Slice s, long[] shape) {
        long[] start = new long[shape.length];
        long[] step = new long[shape.length];
        Arrays.fill(step, 1);
        for (Slice.Range rg : s.ranges()) {
            start[rg.axis()] = rg.start();
            step[rg.axis()] = rg.step();
        }
        if (x instanceof Val.Placed p) {
            return new Val.Placed(p.place().slice(start, step, shape));
        }
        return new Val.Lazy(shape, (idx, r) -> {
            Affine[] in = new Affine[idx.length];
            for (int d = 0; d < idx.length; d++) {
                in[d] = idx[d].times(step[d]).plus(start[d]);
            }
            return x.at(in, r);
        });
    }

    private Val reshape(Val x, long[] shape, String operand, DType t) {
        if (x instanceof Val.Placed p) {
            var view = p.place().reshape(shape);
            if (view.isPresent()) {
                return new Val.Placed(view.get());
            }
        } else {
            int[][] split = splits(x.shape(), shape);
            if (split != null) {
                long[] from = x.shape();
                return new Val.Lazy(shape, (idx, r) -> {
                    Affine[] in = new Affine[from.length];
                    for (int d = 0; d < from.length; d++) {
                        Affine a = Affine.constant(0, r);
                        for (int k : split[d]) {
                            a = a.times(shape[k]).plus(idx[k]);
                        }
                        in[d] = a;
                    }
                    return x.at(in, r);
                });
            }
        }
        Place dense = materialize(x, t, operand);
        return new Val.Placed(dense.reshape(shape).orElseThrow());
    }

    /**
     * For a reshape that only splits dimensions (and adds or drops unit ones), the result axes each
     * operand axis became, in order: the operand index is then affine in the result's
     * ({@code i = i0 * n1 + i1} for a split into {@code n0 x n1}), so the reshape stays lazy.
     * {@code null} where result axes merge operand axes (not affine: that needs a stored copy).
     */
    static int[][] splits(long[] from, long[] to) {
        int[][] out = new int[from.length][];
        int k = 0;
        for (int d = 0; d < from.length; d++) {
            if (from[d] == 1) {
                out[d] = new int[0];
                continue;
            }
            List<Integer> axes = new ArrayList<>();
            long product = 1;
            while (product < from[d] && k < to.length) {
                if (to[k] != 1) {
                    axes.add(k);
                    product *= to[k];
                }
                k++;
            }
            if (product != from[d]) {
                return null;
            }
            out[d] = axes.stream().mapToInt(Integer::intValue).toArray();
        }
        for (; k < to.length; k++) {
            if (to[k] != 1) {
                return null;
            }
        }
        return out;
    }

    private Val reduce(Node n, Reduce r, long[] shape, DType t) {
        Val x = in(n, 0);
        String input = n.inputs().get(0);
        if (x instanceof Val.Lazy && ctx.storesCostlyReductionInputs() && costly(x)) {
            Place home = storeOnce(input, n, x);
            if (home != null) {
                x = new Val.Placed(home);
                env.put(input, x);
            }
        }
        long[] loop = x.shape();
        boolean[] reduced = new boolean[loop.length];
        r.axes().forEach(a -> reduced[a] = true);
        Place out = target(n);
        int rank = loop.length;
        Affine[] idx = Val.identity(rank);
        Affine[] outIdx = new Affine[out.shape().length];
        for (int d = 0, k = 0; d < rank; d++) {
            if (!reduced[d]) {
                outIdx[k++] = idx[d];
            } else if (r.keepDims()) {
                outIdx[k++] = Affine.constant(0, rank);
            }
        }
        var acc = new Stage.Accumulate(r.fn(), out.ref(), out.index(outIdx, rank), x.at(idx, rank));
        if (!stages.isEmpty()
                && stages.getLast() instanceof Stage.Reduce last
                && Arrays.equals(last.loop(), loop)
                && Arrays.equals(last.reduced(), reduced)
                && last.accumulates().stream().noneMatch(a -> Hazards.reads(acc.value(), a.ref(), a.index(), loop))) {
            List<Stage.Accumulate> all = new ArrayList<>(last.accumulates());
            all.add(acc);
            stages.set(stages.size() - 1, new Stage.Reduce(loop, reduced, all));
        } else {
            stages.add(new Stage.Reduce(loop, reduced, List.of(acc)));
        }
        return new Val.Placed(out);
    }

    private static final Set<UnaryFn> COSTLY =
            Set.of(UnaryFn.EXP, UnaryFn.LOG, UnaryFn.TANH, UnaryFn.SIGMOID, UnaryFn.ERF, UnaryFn.SIN, UnaryFn.COS);

    /** Whether computing an element of {@code v} calls a costly function. */
    private static boolean costly(Val v) {
        int rank = v.shape().length;
        java.util.ArrayDeque<Expr> todo = new java.util.ArrayDeque<>(List.of(v.at(Val.identity(rank), rank)));
        while (!todo.isEmpty()) {
            Expr e = todo.pop();
            if ((e instanceof Expr.Unary u && COSTLY.contains(u.fn()))
                    || (e instanceof Expr.Binary b && b.fn() == BinaryFn.POW)) {
                return true;
            }
            todo.addAll(e.operands());
        }
        return false;
    }

    /**
     * Stores the lazy value of node {@code name}, which reduction {@code n} reads, once where that
     * costs no memory, and returns where it is; {@code null} leaves it lazy (computed again by each
     * reader). Where the kernel wrote it already, that buffer. Otherwise the buffer of its last
     * reader, when that comes after {@code n}, every other reader is a reduction (whose results are stored, so nothing lazy
     * still reads it) and the last reader is an elementwise node of the same shape and dtype that
     * the kernel writes: that node then reads each element where it writes it (softmax's division
     * over {@code exp(x - max)}). A buffer holds one such value at a time.
     */
    private Place storeOnce(String name, Node n, Val v) {
        Place done = stored.get(name);
        if (done != null) {
            return done;
        }
        List<Node> body = kernel.body();
        List<Node> readers =
                body.stream().filter(b -> b != n && b.inputs().contains(name)).toList();
        if (readers.isEmpty() || body.indexOf(readers.getLast()) < body.indexOf(n)) {
            return null; // no reader after this reduction: nothing to share
        }
        Node last = readers.getLast();
        DType t = v.at(Val.identity(v.shape().length), v.shape().length).dtype();
        boolean elementwise = (last.op() instanceof Binary || last.op() instanceof Unary)
                && writes.contains(last.name())
                && Arrays.equals(shape(last), v.shape())
                && last.type().dtype() == t
                && readers.stream().allMatch(r -> r == last || r.op() instanceof Reduce);
        if (!elementwise || !homes.add(last.name())) {
            return null;
        }
        Place home = ctx.produced(last.name());
        storeAll(home, v);
        return home;
    }

    /** Pad: the whole result filled with the pad value, then the operand stored into its window. */
    private Val pad(Node n, Pad p, long[] shape, DType t) {
        Place out = target(n);
        for (int d = 0; d < shape.length; d++) {
            if (p.low().get(d) < 0 || p.high().get(d) < 0) {
                throw new UnsupportedKernelException("negative padding (cropping) is not supported yet");
            }
        }
        storeAll(out, new Val.Lazy(shape, (idx, r) -> new Expr.Literal(t, p.value())));
        Val x = in(n, 0);
        long[] start = p.low().stream().mapToLong(Long::longValue).toArray();
        long[] step = new long[shape.length];
        Arrays.fill(step, 1);
        storeAll(out.slice(start, step, x.shape()), x);
        return new Val.Placed(out);
    }

    /** Concat: each operand stored into its slice of the result. */
    private Val concat(Node n, Concat c, long[] shape, DType t) {
        Place out = target(n);
        long offset = 0;
        for (int i = 0; i < n.inputs().size(); i++) {
            Val x = in(n, i);
            long[] start = new long[shape.length];
            start[c.axis()] = offset;
            long[] step = new long[shape.length];
            Arrays.fill(step, 1);
            storeAll(out.slice(start, step, x.shape()), x);
            offset += x.shape()[c.axis()];
        }
        return new Val.Placed(out);
    }

    /** Where a stored node goes: its buffer when the kernel writes it, else fresh scratch. */
    public Place target(Node n) {
        if (writes.contains(n.name())) {
            stored.put(n.name(), ctx.produced(n.name()));
            return ctx.produced(n.name());
        }
        return ctx.scratch(n.type().dtype(), shape(n));
    }

    private void write(Node n, Val v) {
        Place buffer = ctx.produced(n.name());
        if (v instanceof Val.Placed p && p.place().equals(buffer)) {
            return;
        }
        if (v instanceof Val.Placed p && samePlace(p.place(), buffer)) {
            return;
        }
        storeAll(buffer, v);
        stored.put(n.name(), buffer);
    }

    private static boolean samePlace(Place a, Place b) {
        return a.ref().equals(b.ref())
                && a.base() == b.base()
                && Arrays.equals(a.shape(), b.shape())
                && Arrays.equals(a.strides(), b.strides());
    }

    /** A dense stored copy of {@code v} (itself, where it already is one). */
    public Place materialize(Val v, DType t, String name) {
        if (v instanceof Val.Placed p && p.place().isDense()) {
            return p.place();
        }
        Place s = stored.get(name);
        if (s != null && s.isDense()) {
            return s;
        }
        Place out = ctx.scratch(t, v.shape());
        storeAll(out, v);
        return out;
    }

    /** Adds the store of every element of {@code v} at {@code to}, merged into the last stage when safe. */
    public void storeAll(Place to, Val v) {
        long[] loop = v.shape();
        int rank = loop.length;
        Affine[] idx = Val.identity(rank);
        Stage.Store st = new Stage.Store(to.ref(), to.index(idx, rank), v.at(idx, rank));
        if (!stages.isEmpty()
                && stages.getLast() instanceof Stage.Pointwise last
                && Arrays.equals(last.loop(), loop)
                && last.stores().stream().noneMatch(s -> Hazards.conflicts(st.value(), s, loop))) {
            List<Stage.Store> all = new ArrayList<>(last.stores());
            all.add(st);
            stages.set(stages.size() - 1, new Stage.Pointwise(loop, all));
        } else {
            stages.add(new Stage.Pointwise(loop, List.of(st)));
        }
    }

    /** Where input {@code i} of heavy node {@code n} is: its stored place, or a dense copy of a lazy value. */
    public Place operand(Node n, int i) {
        Val v = value(n.inputs().get(i));
        int r = v.shape().length;
        return v instanceof Val.Placed p
                ? p.place()
                : materialize(v, v.at(Val.identity(r), r).dtype(), n.inputs().get(i));
    }

    /** Input {@code i} of heavy node {@code n} as a dense row-major place (copied if it is a view). */
    public Place dense(Node n, int i) {
        Val v = value(n.inputs().get(i));
        int r = v.shape().length;
        return materialize(v, v.at(Val.identity(r), r).dtype(), n.inputs().get(i));
    }

    public void add(Stage s) {
        stages.add(s);
    }

    public Val value(String name) {
        return env.get(name);
    }
}
