package dev.javelin.ir.type;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** An ordered list of dimensions, outermost first (C order). A rank-0 shape is a scalar. */
public record Shape(List<Dim> dims) {

    public static final Shape SCALAR = new Shape(List.of());

    public Shape {
        dims = List.copyOf(dims);
    }

    public static Shape of(long... sizes) {
        List<Dim> d = new ArrayList<>(sizes.length);
        for (long s : sizes) {
            d.add(new Dim.Fixed(s));
        }
        return new Shape(d);
    }

    /**
     * A shape from a mix of {@link Long}/{@link Integer} sizes, {@link String} symbols and {@link
     * Dim}s, e.g. {@code Shape.dims("batch", 784)}.
     */
    public static Shape dims(Object... dims) {
        List<Dim> d = new ArrayList<>(dims.length);
        for (Object o : dims) {
            d.add(
                    switch (o) {
                        case Dim x -> x;
                        case Integer i -> new Dim.Fixed(i);
                        case Long l -> new Dim.Fixed(l);
                        case String s -> new Dim.Sym(s);
                        default -> throw new IllegalArgumentException("not a dimension: " + o);
                    });
        }
        return new Shape(d);
    }

    public int rank() {
        return dims.size();
    }

    public Dim dim(int axis) {
        return dims.get(axis);
    }

    public boolean isStatic() {
        return dims.stream().allMatch(Dim::isStatic);
    }

    /** Number of elements; the shape must be static. */
    public long numel() {
        long n = 1;
        for (Dim d : dims) {
            n = Math.multiplyExact(n, d.size());
        }
        return n;
    }

    /** Product of the static dimensions only. */
    public long staticProduct() {
        long n = 1;
        for (Dim d : dims) {
            if (d instanceof Dim.Fixed f) {
                n = Math.multiplyExact(n, f.size());
            }
        }
        return n;
    }

    /** How often each symbolic name occurs, for comparing element counts of symbolic shapes. */
    public Map<String, Integer> symbolCounts() {
        Map<String, Integer> m = new HashMap<>();
        for (Dim d : dims) {
            if (d instanceof Dim.Sym s) {
                m.merge(s.name(), 1, Integer::sum);
            }
        }
        return m;
    }

    /** True when both shapes hold the same number of elements for every binding of the symbols. */
    public boolean sameElementCount(Shape other) {
        return staticProduct() == other.staticProduct() && symbolCounts().equals(other.symbolCounts());
    }

    public Shape with(int axis, Dim d) {
        List<Dim> l = new ArrayList<>(dims);
        l.set(axis, d);
        return new Shape(l);
    }

    public Shape sub(int from, int to) {
        return new Shape(dims.subList(from, to));
    }

    public Shape concat(Shape other) {
        List<Dim> l = new ArrayList<>(dims);
        l.addAll(other.dims);
        return new Shape(l);
    }

    /** Static sizes as an array; the shape must be static. */
    public long[] sizes() {
        long[] s = new long[dims.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = dims.get(i).size();
        }
        return s;
    }

    /**
     * NumPy broadcasting: shapes align on the right; each pair of dimensions must be equal or one of
     * them 1. A symbolic dimension broadcasts only against itself or 1.
     *
     * @throws IllegalArgumentException naming the axis that does not broadcast
     */
    public static Shape broadcast(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        List<Dim> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            int ia = a.rank() - rank + i;
            int ib = b.rank() - rank + i;
            Dim da = ia >= 0 ? a.dim(ia) : new Dim.Fixed(1);
            Dim db = ib >= 0 ? b.dim(ib) : new Dim.Fixed(1);
            if (da.equals(db) || db.isOne()) {
                out.add(da);
            } else if (da.isOne()) {
                out.add(db);
            } else {
                throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast: dimension " + da
                        + " vs " + db + " at axis " + (i - rank) + " (counted from the right)");
            }
        }
        return new Shape(out);
    }

    /** True when {@code from} broadcasts to exactly {@code to} (NumPy rules, {@code to} unchanged). */
    public static boolean broadcastsTo(Shape from, Shape to) {
        if (from.rank() > to.rank()) {
            return false;
        }
        int off = to.rank() - from.rank();
        for (int i = 0; i < from.rank(); i++) {
            Dim f = from.dim(i);
            if (!f.isOne() && !f.equals(to.dim(off + i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return dims.stream().map(Dim::toString).collect(Collectors.joining(",", "[", "]"));
    }
}
