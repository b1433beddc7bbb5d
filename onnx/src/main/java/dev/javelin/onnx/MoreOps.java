package dev.javelin.onnx;

import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Pad;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Split, Tile, Pad (constant mode), Sum, Mean and Size. */
final class MoreOps {
    private MoreOps() {}

    static void register() {
        Ops.add("Split", Set.of("axis", "split", "num_outputs"), MoreOps::split);
        Ops.add("Tile", Set.of(), MoreOps::tile);
        Ops.add("Pad", Set.of("mode", "pads", "value"), MoreOps::pad);
        Ops.add("Sum", Set.of(), n -> n.result(sum(n)));
        Ops.add("Mean", Set.of(), n -> {
            Value s = sum(n);
            return n.result(n.b.binary(BinaryFn.DIV, s, n.b.scalar(s.type().dtype(), n.inputCount())));
        });
        Ops.add("Size", Set.of(), MoreOps::size);
    }

    private static Value sum(OnnxNode n) {
        Value acc = n.value(0);
        for (int i = 1; i < n.inputCount(); i++) {
            acc = n.b.binary(BinaryFn.ADD, acc, n.value(i));
        }
        return acc;
    }

    /** One slice per output along a static axis: the sizes given (attribute before 13, input from 13), or equal parts. */
    private static List<Operand> split(OnnxNode n) {
        Value x = n.value(0);
        int axis = n.axis(n.attrInt("axis", 0), x.type().rank());
        Dim d = x.type().shape().dim(axis);
        if (!d.isStatic()) {
            throw n.error("splitting the symbolic axis " + axis + " (" + d + ") is not supported");
        }
        long[] sizes = n.opset >= 13 ? (n.has(1) ? n.longs(1, "split") : null) : n.attrInts("split");
        int parts = n.proto.getOutputCount();
        if (sizes == null) {
            if (d.size() % parts != 0 && n.attr("num_outputs") == null) {
                throw n.error(
                        "axis " + axis + " of size " + d.size() + " does not split into " + parts + " equal parts");
            }
            long each = (d.size() + parts - 1) / parts;
            sizes = new long[parts];
            for (int i = 0; i < parts; i++) {
                sizes[i] = Math.max(0, Math.min(each, d.size() - i * each));
            }
        }
        if (sizes.length != parts || java.util.Arrays.stream(sizes).sum() != d.size()) {
            throw n.error("split sizes " + java.util.Arrays.toString(sizes) + " must be " + parts
                    + " numbers adding up to " + d.size());
        }
        List<Operand> out = new ArrayList<>();
        long start = 0;
        for (int i = 0; i < parts; i++) {
            Value part = n.b.add(new Slice(List.of(new Slice.Range(axis, start, start + sizes[i], 1))), x);
            out.add(Operand.ofValue(n.proto.getOutput(i), part));
            start += sizes[i];
        }
        return out;
    }

    /** Each repeated axis gains a size-1 axis before it, stretched to the repeat count, then merged. */
    private static List<Operand> tile(OnnxNode n) {
        Value x = n.value(0);
        long[] repeats = n.longs(1, "repeats");
        Shape s = x.type().shape();
        if (repeats.length != s.rank()) {
            throw n.error("needs one repeat per axis of " + x.type() + ", found " + repeats.length);
        }
        List<Dim> opened = new ArrayList<>();
        List<Dim> stretched = new ArrayList<>();
        List<Dim> result = new ArrayList<>();
        for (int i = 0; i < repeats.length; i++) {
            Dim d = s.dim(i);
            if (repeats[i] != 1) {
                if (!d.isStatic() || repeats[i] < 0) {
                    throw n.error("repeat " + repeats[i] + " of axis " + i + " (" + d + ") is not supported");
                }
                opened.add(Dim.of(1));
                stretched.add(Dim.of(repeats[i]));
                result.add(Dim.of(d.size() * repeats[i]));
            } else {
                result.add(d);
            }
            opened.add(d);
            stretched.add(d);
        }
        Value y = n.b.broadcast(n.b.reshape(x, new Shape(opened)), new Shape(stretched));
        return n.result(n.b.reshape(y, new Shape(result)));
    }

    /** Constant-mode Pad: pads as an attribute before opset 11 and an input from 11 on; negative pads crop. */
    private static List<Operand> pad(OnnxNode n) {
        Value x = n.value(0);
        String mode =
                n.attr("mode") == null ? "constant" : n.attr("mode").getS().toStringUtf8();
        if (!mode.equals("constant")) {
            throw n.error("mode '" + mode + "' is not supported; constant is");
        }
        long[] pads = n.opset >= 11 ? n.longs(1, "pads") : n.attrInts("pads");
        double value =
                n.opset >= 11 ? (n.has(2) ? n.constant(2, "constant_value").get(0) : 0) : n.attrFloat("value", 0);
        int rank = x.type().rank();
        if (n.has(3)) {
            throw n.error("the axes input is not supported; give pads for every axis");
        }
        if (pads == null || pads.length != 2 * rank) {
            throw n.error("needs " + 2 * rank + " pads (begins, then ends) for " + x.type());
        }
        List<Long> low = new ArrayList<>();
        List<Long> high = new ArrayList<>();
        List<Slice.Range> crops = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            long b = pads[i];
            long e = pads[i + rank];
            low.add(Math.max(0, b));
            high.add(Math.max(0, e));
            if (b < 0 || e < 0) {
                Dim d = x.type().shape().dim(i);
                if (!d.isStatic()) {
                    throw n.error("negative pads on the symbolic axis " + i + " (" + d + ") are not supported");
                }
                crops.add(new Slice.Range(i, Math.max(0, -b), d.size() - Math.max(0, -e), 1));
            }
        }
        Value y = ShapeOps.slice(n, x, crops);
        boolean any = low.stream().anyMatch(v -> v > 0) || high.stream().anyMatch(v -> v > 0);
        return n.result(any ? n.b.add(new Pad(low, high, value), y) : y);
    }

    private static List<Operand> size(OnnxNode n) {
        Dim count = SymbolicShapes.product(n.type(0).shape().dims());
        if (count == null) {
            throw n.error(
                    "the element count of " + n.type(0) + " is a product of symbols, which the IR does not express");
        }
        return List.of(Operand.ofDims(n.outName(), List.of(count), true, DType.I64));
    }
}
