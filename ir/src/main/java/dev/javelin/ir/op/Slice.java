package dev.javelin.ir.op;

import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.TensorType;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes {@code start, start+step, ...} (below {@code stop}) along each listed axis; unlisted axes are
 * kept whole, so a symbolic batch axis passes through. Sliced axes must be static.
 */
public record Slice(List<Range> ranges) implements Op {
    /** The ranges are written as four parallel lists, one entry per sliced axis. */
    public static final OpSchema<Slice> SCHEMA = OpSchema.of(Slice.class, "slice")
            .attr(
                    "axes",
                    OpSchema.Kind.INTS,
                    s -> s.ranges().stream().map(Range::axis).toList())
            .attr(
                    "start",
                    OpSchema.Kind.LONGS,
                    s -> s.ranges().stream().map(Range::start).toList())
            .attr(
                    "stop",
                    OpSchema.Kind.LONGS,
                    s -> s.ranges().stream().map(Range::stop).toList())
            .attr(
                    "step",
                    OpSchema.Kind.LONGS,
                    s -> s.ranges().stream().map(Range::step).toList())
            .make(Slice::fromLists);

    /** One sliced axis: {@code 0 <= start <= stop <= size}, {@code step >= 1}. */
    public record Range(int axis, long start, long stop, long step) {
        /** Number of elements the range selects. */
        public long length() {
            // Written so that no intermediate overflows, whatever the step.
            return stop <= start ? 0 : (stop - start - 1) / step + 1;
        }
    }

    public Slice {
        ranges = List.copyOf(ranges);
    }

    /** The slice of the four parallel lists of the text form, which must have one entry per axis. */
    private static Slice fromLists(OpSchema.Args a) {
        List<Integer> axes = a.ints("axes");
        List<Long> start = a.longs("start");
        List<Long> stop = a.longs("stop");
        List<Long> step = a.longs("step");
        if (start.size() != axes.size() || stop.size() != axes.size() || step.size() != axes.size()) {
            throw new IllegalArgumentException("slice needs one start, stop and step per axis: " + axes.size()
                    + " axes, " + start.size() + " starts, " + stop.size() + " stops, " + step.size() + " steps");
        }
        List<Range> ranges = new ArrayList<>();
        for (int i = 0; i < axes.size(); i++) {
            ranges.add(new Range(axes.get(i), start.get(i), stop.get(i), step.get(i)));
        }
        return new Slice(ranges);
    }

    @Override
    public String mnemonic() {
        return "slice";
    }

    @Override
    public TensorType infer(List<TensorType> in) {
        Checks.arity(this, in, 1);
        TensorType x = in.get(0);
        var shape = x.shape();
        int prev = -1;
        for (Range r : ranges) {
            Checks.axis(r.axis(), x.rank(), "slice");
            if (r.axis() <= prev) {
                throw new OpTypeError(
                        "slice axes must be strictly increasing, found axis " + r.axis() + " after " + prev);
            }
            prev = r.axis();
            Dim d = x.shape().dim(r.axis());
            if (!d.isStatic()) {
                throw new OpTypeError("slice along symbolic axis " + r.axis() + " (" + d + ") of " + x
                        + " is not supported; slice static axes only");
            }
            if (r.step() < 1 || r.start() < 0 || r.start() > r.stop() || r.stop() > d.size()) {
                throw new OpTypeError("slice range " + r.start() + ":" + r.stop() + ":" + r.step() + " on axis "
                        + r.axis() + " of size " + d.size() + " needs 0 <= start <= stop <= size and step >= 1");
            }
            shape = shape.with(r.axis(), Dim.of(r.length()));
        }
        return x.withShape(shape);
    }
}
