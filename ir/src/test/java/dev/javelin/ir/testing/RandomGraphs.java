package dev.javelin.ir.testing;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.GraphBuilder;
import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Distribution;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.Layout;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Pad;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.PoolKind;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.op.UnaryFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Random valid graphs over every kind of primitive, from a seed. Shapes stay small (a few dozen
 * elements), some inputs carry a symbolic {@code batch} axis, and every op is built through {@link
 * GraphBuilder}, so inference checks each one. Integer inputs feeding gathers are indices below
 * {@link #INDEX_BOUND}. Used by the text-form properties and, later, by differential fuzzing.
 */
public final class RandomGraphs {
    /** Every gather/scatter table axis is at least this long; index feeds must stay below it. */
    public static final int INDEX_BOUND = 3;

    private final Random r;
    private final GraphBuilder b;
    private final List<Value> floats = new ArrayList<>();
    private final List<Value> others = new ArrayList<>();
    private int counter;

    private RandomGraphs(long seed) {
        this.r = new Random(seed);
        this.b = new GraphBuilder("random_" + Long.toUnsignedString(seed, 36));
    }

    /**
     * The master seed of a fuzz test: {@code -Djavelin.fuzz.seed=N}, else the environment's {@code
     * JAVELIN_FUZZ_SEED} (CI sets a fresh one each run), else the test's fixed default.
     */
    public static long masterSeed(long fallback) {
        String env = System.getenv("JAVELIN_FUZZ_SEED");
        long seed = env == null || env.isBlank() ? fallback : Long.parseLong(env.trim());
        return Long.getLong("javelin.fuzz.seed", seed);
    }

    /** {@code count} graph seeds drawn from a master seed (see {@link #masterSeed}). */
    public static java.util.stream.LongStream seeds(long master, int count) {
        Random r = new Random(master);
        return java.util.stream.LongStream.generate(r::nextLong).limit(count);
    }

    /** A valid graph with about {@code steps} ops after its inputs and parameters. */
    public static Graph generate(long seed, int steps) {
        RandomGraphs g = new RandomGraphs(seed);
        return g.build(steps);
    }

    /**
     * Runs {@code property} on the graph of {@code steps} steps; if it fails, shrinks: finds the
     * fewest steps with the same seed that still fail, and reports that smallest case.
     */
    public static void check(long seed, int steps, java.util.function.IntConsumer property) {
        try {
            property.accept(steps);
        } catch (AssertionError | RuntimeException first) {
            int smallest = steps;
            Throwable smallestError = first;
            for (int s = 1; s < steps; s++) {
                try {
                    property.accept(s);
                } catch (AssertionError | RuntimeException e) {
                    smallest = s;
                    smallestError = e;
                    break;
                }
            }
            throw new AssertionError(
                    "fails for RandomGraphs.generate(" + seed + "L, " + smallest + ") (shrunk from " + steps
                            + " steps):\n" + dev.javelin.ir.text.Printer.print(generate(seed, smallest)),
                    smallestError);
        }
    }

    private Graph build(int steps) {
        int inputs = 1 + r.nextInt(3);
        for (int i = 0; i < inputs; i++) {
            floats.add(b.input("x" + i, new TensorType(DType.F32, randomShape(r.nextBoolean()))));
        }
        for (int i = 0; i < steps; i++) {
            step();
        }
        List<Value> all = new ArrayList<>(floats);
        all.addAll(others);
        Collections.shuffle(all, r);
        int outputs = 1 + r.nextInt(Math.min(3, all.size()));
        for (int i = 0; i < outputs; i++) {
            b.output("y" + i, all.get(i));
        }
        return b.build();
    }

    private Shape randomShape(boolean symbolic) {
        int rank = 1 + r.nextInt(3);
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            dims.add(i == 0 && symbolic ? Dim.sym("batch") : Dim.of(1 + r.nextInt(3)));
        }
        return new Shape(dims);
    }

    private Value pick() {
        return floats.get(r.nextInt(floats.size()));
    }

    private String fresh(String prefix) {
        return prefix + counter++;
    }

    private void step() {
        Value x = pick();
        TensorType t = x.type();
        switch (r.nextInt(20)) {
            case 0 -> floats.add(b.unary(randomFloatUnary(), x));
            case 1 -> floats.add(b.binary(randomArithmetic(), x, broadcastPartner(t)));
            case 2 -> {
                Value cond = b.binary(BinaryFn.values()[7 + r.nextInt(6)], x, broadcastPartner(t));
                others.add(cond);
                floats.add(b.select(cond, x, broadcastPartner(t)));
                others.add(b.unary(UnaryFn.NOT, b.binary(r.nextBoolean() ? BinaryFn.AND : BinaryFn.OR, cond, cond)));
            }
            case 3 -> {
                Value c = b.cast(x, DType.values()[r.nextInt(DType.values().length)]);
                others.add(c);
                floats.add(b.cast(c, DType.F32));
            }
            case 4 -> floats.add(b.reduce(ReduceFn.values()[r.nextInt(3)], x, r.nextBoolean(), randomAxes(t.rank())));
            case 5 -> {
                if (t.rank() > 0) {
                    others.add(b.add(new ArgMax(r.nextInt(t.rank()), r.nextBoolean()), x));
                }
            }
            case 6 -> floats.add(reshape(x));
            case 7 -> floats.add(b.permute(x, permutation(t.rank())));
            case 8 -> floats.add(broadcast(x));
            case 9 -> staticAxis(t).ifPresent(a -> floats.add(slice(x, a)));
            case 10 -> staticAxis(t).ifPresent(a -> floats.add(pad(x, a)));
            case 11 -> staticAxis(t).ifPresent(a -> floats.add(b.add(new Concat(a), x, x)));
            case 12 -> floats.add(matmul(x));
            case 13 -> floats.add(conv());
            case 14 -> floats.add(pool());
            case 15 -> floats.add(gatherOrScatter());
            case 16 -> others.add(b.add(new Iota(new TensorType(DType.I32, randomShape(false)), 0)));
            case 17 -> floats.add(random());
            case 18 -> floats.add(b.constant(new TensorType(DType.F32, Shape.of(2, 2)), 1.5, -2, 0.25, 8));
            default -> assign(x);
        }
    }

    private UnaryFn randomFloatUnary() {
        List<UnaryFn> fns = new ArrayList<>();
        for (UnaryFn f : UnaryFn.values()) {
            if (f.domain() != UnaryFn.Domain.BOOL) {
                fns.add(f);
            }
        }
        return fns.get(r.nextInt(fns.size()));
    }

    private BinaryFn randomArithmetic() {
        BinaryFn[] fns = {
            BinaryFn.ADD, BinaryFn.SUB, BinaryFn.MUL, BinaryFn.DIV, BinaryFn.POW, BinaryFn.MAX, BinaryFn.MIN
        };
        return fns[r.nextInt(fns.length)];
    }

    /** A new f32 value whose shape broadcasts with {@code t}: a suffix of it with some axes set to 1. */
    private Value broadcastPartner(TensorType t) {
        List<Dim> dims = new ArrayList<>();
        int keep = r.nextInt(t.rank() + 1);
        for (int i = t.rank() - keep; i < t.rank(); i++) {
            dims.add(r.nextInt(3) == 0 ? Dim.of(1) : t.shape().dim(i));
        }
        Shape s = new Shape(dims);
        if (s.isStatic() && r.nextBoolean()) {
            double[] v = new double[(int) s.numel()];
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.round(r.nextGaussian() * 8) / 4.0;
            }
            return b.constant(new TensorType(DType.F32, s), v);
        }
        return s.isStatic()
                ? b.parameter(fresh("p"), new TensorType(DType.F32, s))
                : b.input(fresh("in"), new TensorType(DType.F32, s));
    }

    private Integer[] randomAxes(int rank) {
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (r.nextBoolean()) {
                axes.add(i);
            }
        }
        return axes.toArray(Integer[]::new);
    }

    private Integer[] permutation(int rank) {
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            p.add(i);
        }
        Collections.shuffle(p, r);
        return p.toArray(Integer[]::new);
    }

    private Value reshape(Value x) {
        Shape s = x.type().shape();
        int split = splittable(s);
        if (split >= 0 && r.nextBoolean()) {
            // Split one static axis in two (heads out of a feature axis): kept lazy by the lowering.
            List<Dim> dims = new ArrayList<>(s.dims());
            long n = dims.get(split).size();
            long f = n % 2 == 0 ? 2 : 3;
            dims.set(split, Dim.of(n / f));
            dims.add(split + 1, Dim.of(f));
            return b.reshape(x, new Shape(dims));
        }
        if (s.isStatic()) {
            return b.reshape(x, Shape.of(s.numel()));
        }
        // Keep the symbolic axes, flatten the static ones after them.
        List<Dim> dims =
                new ArrayList<>(s.dims().stream().filter(d -> !d.isStatic()).toList());
        dims.add(Dim.of(s.staticProduct()));
        return b.reshape(x, new Shape(dims));
    }

    /** A static axis of more than 3 elements divisible by 2 or 3, or -1. */
    private static int splittable(Shape s) {
        for (int d = s.rank() - 1; d >= 0; d--) {
            Dim dim = s.dims().get(d);
            if (dim.isStatic() && dim.size() > 3 && (dim.size() % 2 == 0 || dim.size() % 3 == 0)) {
                return d;
            }
        }
        return -1;
    }

    private Value broadcast(Value x) {
        List<Dim> dims = new ArrayList<>();
        dims.add(Dim.of(2));
        for (Dim d : x.type().shape().dims()) {
            dims.add(d.isOne() ? Dim.of(3) : d);
        }
        return b.add(new Broadcast(new Shape(dims)), x);
    }

    private java.util.Optional<Integer> staticAxis(TensorType t) {
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < t.rank(); i++) {
            if (t.shape().dim(i).isStatic()) {
                axes.add(i);
            }
        }
        return axes.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(axes.get(r.nextInt(axes.size())));
    }

    private Value slice(Value x, int axis) {
        long size = x.type().shape().dim(axis).size();
        long start = r.nextInt((int) size);
        long stop = start + 1 + r.nextInt((int) (size - start));
        return b.add(new Slice(List.of(new Slice.Range(axis, start, stop, 1 + r.nextInt(2)))), x);
    }

    private Value pad(Value x, int axis) {
        int rank = x.type().rank();
        List<Long> low = new ArrayList<>(Collections.nCopies(rank, 0L));
        List<Long> high = new ArrayList<>(Collections.nCopies(rank, 0L));
        low.set(axis, (long) r.nextInt(2));
        high.set(axis, (long) r.nextInt(3));
        return b.add(new Pad(low, high, r.nextBoolean() ? 0.0 : -1.5), x);
    }

    private Value matmul(Value x) {
        Value a = x;
        while (a.type().rank() < 2) {
            a = b.reshape(a, a.type().shape().concat(Shape.of(1)));
        }
        Dim k = a.type().shape().dim(a.type().rank() - 1);
        long n = 1 + r.nextInt(3);
        boolean tb = r.nextBoolean();
        if (!k.isStatic()) {
            return b.add(new MatMul(true, false), a, a);
        }
        Shape ws = tb ? Shape.of(n, k.size()) : Shape.of(k.size(), n);
        return b.add(new MatMul(false, tb), a, b.parameter(fresh("w"), new TensorType(DType.F32, ws)));
    }

    private Value conv() {
        long c = 2;
        Layout layout = r.nextInt(3) == 0 ? Layout.NHWC : Layout.NCHW;
        long h = 4 + r.nextInt(2);
        Value in = b.input(
                fresh("img"),
                layout == Layout.NCHW
                        ? TensorType.dims(DType.F32, "batch", c, h, 5)
                        : TensorType.dims(DType.F32, "batch", h, 5, c));
        long groups = r.nextBoolean() ? 1 : 2;
        Value w = b.parameter(
                fresh("k"),
                layout == Layout.NCHW
                        ? TensorType.of(DType.F32, 2, c / groups, 2, 3)
                        : TensorType.of(DType.F32, 2, 2, 3, c / groups));
        long s = 1 + r.nextInt(2);
        long p = r.nextInt(2);
        return b.add(
                new Conv2d(List.of(s, 1L), List.of(p, 0L, p, 1L), List.of(1L, 1L + r.nextInt(2)), groups, layout),
                in,
                w);
    }

    private Value pool() {
        Layout layout = r.nextInt(3) == 0 ? Layout.NHWC : Layout.NCHW;
        Value in = b.input(
                fresh("fm"),
                layout == Layout.NCHW
                        ? TensorType.dims(DType.F32, "batch", 2, 4, 4)
                        : TensorType.dims(DType.F32, "batch", 4, 4, 2));
        PoolKind kind = r.nextBoolean() ? PoolKind.MAX : PoolKind.AVG;
        long p = r.nextInt(2);
        return b.add(
                new Pool2d(kind, List.of(2L, 2L), List.of(2L, 1L + r.nextInt(2)), List.of(p, 0L, 0L, p), layout), in);
    }

    private Value gatherOrScatter() {
        Value table = b.parameter(fresh("emb"), TensorType.of(DType.F32, INDEX_BOUND, 2));
        DType idx = r.nextBoolean() ? DType.I32 : DType.I64;
        Value indices = b.input(fresh("idx"), TensorType.dims(idx, "batch", 2));
        Value gathered = b.add(new Gather(0), table, indices);
        if (r.nextBoolean()) {
            return gathered;
        }
        return b.add(new ScatterAdd(0), table, indices, gathered);
    }

    private Value random() {
        TensorType t = new TensorType(r.nextBoolean() ? DType.F32 : DType.F64, randomShape(false));
        Distribution d = r.nextBoolean() ? Distribution.UNIFORM : Distribution.NORMAL;
        Value v = r.nextBoolean()
                ? b.add(new RandomOp(d, r.nextLong(), t))
                : b.add(new RandomOp(d, r.nextLong(), t), b.input(fresh("step"), TensorType.scalar(DType.I64)));
        return t.dtype() == DType.F32 ? v : b.cast(v, DType.F32);
    }

    private void assign(Value x) {
        if (x.type().shape().isStatic()) {
            Value p = b.parameter(fresh("state"), x.type());
            others.add(b.assign(p, b.binary(BinaryFn.ADD, p, x)));
        }
    }

    /** Feeds for a random graph: Gaussian floats (f32-rounded) and in-range indices for every input and parameter, with {@code batch} bound as given. */
    public static java.util.Map<String, dev.javelin.ir.value.NdArray> feeds(Graph g, long seed, int batch) {
        Random r = new Random(seed);
        java.util.Map<String, dev.javelin.ir.value.NdArray> feeds = new java.util.HashMap<>();
        for (dev.javelin.ir.graph.Node n : g.nodes()) {
            if (!(n.op() instanceof dev.javelin.ir.op.Input || n.op() instanceof dev.javelin.ir.op.Parameter)) {
                continue;
            }
            long[] shape = n.type().shape().dims().stream()
                    .mapToLong(d -> d.isStatic() ? d.size() : batch)
                    .toArray();
            dev.javelin.ir.value.NdArray a =
                    dev.javelin.ir.value.NdArray.zeros(n.type().dtype(), shape);
            for (int i = 0; i < a.size(); i++) {
                if (n.type().dtype().isInteger()) {
                    a.setLong(i, r.nextInt(INDEX_BOUND));
                } else {
                    a.set(i, (float) r.nextGaussian());
                }
            }
            feeds.put(n.name(), a);
        }
        return feeds;
    }
}
