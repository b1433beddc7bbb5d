package dev.javelin.onnx;

import dev.javelin.ir.graph.Value;
import dev.javelin.ir.op.BinaryFn;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.PoolKind;
import dev.javelin.ir.op.ReduceFn;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.Dim;
import dev.javelin.ir.type.Shape;
import dev.javelin.ir.value.NdArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The 2-D image ops of CNN exports on the IR's NCHW primitives: Conv (groups and depthwise
 * included), MaxPool and AveragePool, the global pools, BatchNormalization (inference: with known
 * statistics it folds into one multiply and one add per channel) and the hard activations.
 */
final class CnnOps {
    private CnnOps() {}

    static void register() {
        Set<String> window = Set.of("auto_pad", "kernel_shape", "pads", "strides", "dilations");
        Ops.add("Conv", union(window, Set.of("group")), CnnOps::conv);
        Ops.add("ConvTranspose", union(window, Set.of("group", "output_padding")), CnnOps::convTranspose);
        Ops.add("Resize", Set.of("mode", "coordinate_transformation_mode", "nearest_mode"), CnnOps::resize);
        Ops.add("MaxPool", union(window, Set.of("ceil_mode", "storage_order")), n -> pool(n, PoolKind.MAX));
        Ops.add("AveragePool", union(window, Set.of("ceil_mode", "count_include_pad")), n -> pool(n, PoolKind.AVG));
        Ops.add("GlobalAveragePool", Set.of(), n -> globalPool(n, true));
        Ops.add("GlobalMaxPool", Set.of(), n -> globalPool(n, false));
        Ops.add("BatchNormalization", Set.of("epsilon", "momentum", "spatial", "training_mode"), CnnOps::batchNorm);
        Ops.add(
                "HardSigmoid",
                Set.of("alpha", "beta"),
                n -> n.result(hardSigmoid(n, n.value(0), n.attrFloat("alpha", 0.2f), n.attrFloat("beta", 0.5f))));
        Ops.add("HardSwish", Set.of(), n -> {
            Value x = n.value(0);
            return n.result(n.b.binary(BinaryFn.MUL, x, hardSigmoid(n, x, 1 / 6f, 0.5f)));
        });
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        var s = new java.util.HashSet<>(a);
        s.addAll(b);
        return s;
    }

    /** max(0, min(1, alpha * x + beta)). */
    private static Value hardSigmoid(OnnxNode n, Value x, float alpha, float beta) {
        DType d = x.type().dtype();
        Value y = n.b.binary(BinaryFn.ADD, n.b.binary(BinaryFn.MUL, x, n.b.scalar(d, alpha)), n.b.scalar(d, beta));
        return n.b.binary(BinaryFn.MAX, n.b.binary(BinaryFn.MIN, y, n.b.scalar(d, 1)), n.b.scalar(d, 0));
    }

    /** The window of a 2-D Conv or pool: kernel, strides, dilations and IR padding (top, bottom, left, right). */
    private record Window(long[] kernel, long[] strides, long[] dilations, List<Long> padding) {}

    private static Window window(OnnxNode n, Shape x, long[] kernel) {
        if (x.rank() != 4) {
            throw n.error("only 2-D windows (inputs [N, C, H, W]) are supported, found an input of rank " + x.rank());
        }
        long[] strides = or(n.attrInts("strides"), 1, 1);
        long[] dilations = or(n.attrInts("dilations"), 1, 1);
        long[] pads = or(n.attrInts("pads"), 0, 0, 0, 0);
        String auto = n.attr("auto_pad") == null
                ? "NOTSET"
                : n.attr("auto_pad").getS().toStringUtf8();
        switch (auto) {
            case "NOTSET" -> {}
            case "VALID" -> pads = new long[4];
            case "SAME_UPPER", "SAME_LOWER" -> {
                for (int a = 0; a < 2; a++) {
                    Dim d = x.dim(2 + a);
                    if (!d.isStatic()) {
                        throw n.error("auto_pad " + auto + " needs a static size, found " + d
                                + " (fix the input's dims at import)");
                    }
                    long out = (d.size() + strides[a] - 1) / strides[a];
                    long total = Math.max(0, (out - 1) * strides[a] + (kernel[a] - 1) * dilations[a] + 1 - d.size());
                    long small = total / 2;
                    pads[a] = auto.equals("SAME_UPPER") ? small : total - small;
                    pads[a + 2] = total - pads[a];
                }
            }
            default -> throw n.error("auto_pad '" + auto + "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
        }
        if (strides.length != 2 || dilations.length != 2 || pads.length != 4) {
            throw n.error("strides, dilations and pads must be 2, 2 and 4 numbers for a 2-D window");
        }
        // ONNX pads are (top, left, bottom, right); the IR's (top, bottom, left, right)
        return new Window(kernel, strides, dilations, List.of(pads[0], pads[2], pads[1], pads[3]));
    }

    private static long[] or(long[] v, long... dflt) {
        return v == null ? dflt : v;
    }

    private static List<Long> list(long[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }

    private static List<Operand> conv(OnnxNode n) {
        Value x = n.value(0);
        Value w = n.value(1);
        if (w.type().rank() != 4) {
            throw n.error("only 2-D convolutions are supported, found weights " + w.type());
        }
        long[] ws = w.type().shape().sizes();
        Window win = window(n, x.type().shape(), new long[] {ws[2], ws[3]});
        long group = n.attrInt("group", 1);
        Value y = n.b.add(new Conv2d(list(win.strides()), win.padding(), list(win.dilations()), group), x, w);
        if (n.has(2)) {
            y = n.b.binary(BinaryFn.ADD, y, perChannel(n, n.in(2), 4));
        }
        return n.result(y);
    }

    /**
     * ConvTranspose is the gradient of a convolution with respect to its input: the IR's
     * conv2d_backprop_input with this op's input as the output gradient and its weight
     * {@code [C_in, C_out/group, kH, kW]} as the forward weight; the output size is
     * {@code stride * (in - 1) + output_padding + dilation * (k - 1) + 1 - pads}.
     */
    private static List<Operand> convTranspose(OnnxNode n) {
        Value x = n.value(0);
        Value w = n.value(1);
        if (w.type().rank() != 4 || x.type().rank() != 4) {
            throw n.error("only 2-D transposed convolutions are supported, found " + x.type() + " and " + w.type());
        }
        String auto = n.attr("auto_pad") == null
                ? "NOTSET"
                : n.attr("auto_pad").getS().toStringUtf8();
        if (!auto.equals("NOTSET") && !auto.equals("VALID")) {
            throw n.error("auto_pad '" + auto + "' is not supported for ConvTranspose (NOTSET and VALID are)");
        }
        long[] ws = w.type().shape().sizes();
        Window win = window(n, x.type().shape(), new long[] {ws[2], ws[3]});
        long group = n.attrInt("group", 1);
        long[] outPad = or(n.attrInts("output_padding"), 0, 0);
        List<Dim> out = new ArrayList<>(List.of(x.type().shape().dim(0), Dim.of(ws[1] * group)));
        for (int a = 0; a < 2; a++) {
            Dim d = x.type().shape().dim(2 + a);
            if (!d.isStatic()) {
                throw n.error("a transposed convolution needs static spatial sizes, found " + d
                        + " (fix the input's dims at import)");
            }
            long size = win.strides()[a] * (d.size() - 1)
                    + outPad[a]
                    + win.dilations()[a] * (ws[2 + a] - 1)
                    + 1
                    - win.padding().get(2 * a)
                    - win.padding().get(2 * a + 1);
            out.add(Dim.of(size));
        }
        Value y = n.b.add(
                new Conv2dBackpropInput(
                        list(win.strides()), win.padding(), list(win.dilations()), group, new Shape(out)),
                x,
                w);
        if (n.has(2)) {
            y = n.b.binary(BinaryFn.ADD, y, perChannel(n, n.in(2), 4));
        }
        return n.result(y);
    }

    /**
     * Nearest-neighbour Resize by whole-number factors (asymmetric coordinates, floor rounding, as
     * PaddlePaddle and PyTorch's {@code interpolate(mode="nearest")} export it): each element is
     * repeated, by a reshape that opens a size-1 axis after each scaled one, a broadcast and a reshape.
     */
    private static List<Operand> resize(OnnxNode n) {
        Value x = n.value(0);
        String mode = n.attr("mode") == null ? "nearest" : n.attr("mode").getS().toStringUtf8();
        String coords = n.attr("coordinate_transformation_mode") == null
                ? (n.opset >= 11 ? "half_pixel" : "asymmetric")
                : n.attr("coordinate_transformation_mode").getS().toStringUtf8();
        String rounding = n.attr("nearest_mode") == null
                ? "round_prefer_floor"
                : n.attr("nearest_mode").getS().toStringUtf8();
        long[] factors = resizeFactors(n, x.type().shape());
        boolean upscale = java.util.Arrays.stream(factors).anyMatch(f -> f > 1);
        if (!mode.equals("nearest") || upscale && (!coords.equals("asymmetric") || !rounding.equals("floor"))) {
            throw n.error("Resize mode '" + mode + "' with coordinate_transformation_mode '" + coords
                    + "' and nearest_mode '" + rounding + "' is not supported; nearest with asymmetric and floor,"
                    + " by whole-number factors, is");
        }
        List<Dim> opened = new ArrayList<>();
        List<Dim> stretched = new ArrayList<>();
        List<Dim> result = new ArrayList<>();
        for (int i = 0; i < factors.length; i++) {
            Dim d = x.type().shape().dim(i);
            opened.add(d);
            stretched.add(d);
            if (factors[i] != 1) {
                opened.add(Dim.of(1));
                stretched.add(Dim.of(factors[i]));
                result.add(Dim.of(d.size() * factors[i]));
            } else {
                result.add(d);
            }
        }
        Value y = n.b.reshape(x, new Shape(opened));
        y = n.b.broadcast(y, new Shape(stretched));
        return n.result(n.b.reshape(y, new Shape(result)));
    }

    /** The whole-number factor of each axis, from the scales input or the sizes input. */
    private static long[] resizeFactors(OnnxNode n, Shape x) {
        int scalesInput = n.opset >= 11 ? 2 : 1;
        long[] factors = new long[x.rank()];
        NdArray scales = n.has(scalesInput) ? n.constant(scalesInput, "scales") : null;
        if (scales != null && scales.size() > 0) {
            for (int i = 0; i < factors.length; i++) {
                double s = scales.get(i);
                if (s != Math.rint(s) || s < 1) {
                    throw n.error("scale " + s + " on axis " + i + " is not a whole number >= 1");
                }
                factors[i] = (long) s;
            }
        } else if (n.opset >= 11 && n.has(3)) {
            List<Dim> sizes = n.dims(3, "sizes");
            for (int i = 0; i < factors.length; i++) {
                Dim d = x.dim(i);
                Dim s = sizes.get(i);
                if (s.equals(d)) {
                    factors[i] = 1;
                } else if (d.isStatic() && s.isStatic() && d.size() > 0 && s.size() % d.size() == 0) {
                    factors[i] = s.size() / d.size();
                } else {
                    throw n.error("size " + s + " on axis " + i + " is not a whole multiple of " + d);
                }
            }
        } else {
            throw n.error("needs scales or sizes");
        }
        for (int i = 0; i < factors.length; i++) {
            if (factors[i] != 1 && !x.dim(i).isStatic()) {
                throw n.error("resizing the symbolic axis " + i + " (" + x.dim(i) + ") is not supported");
            }
        }
        return factors;
    }

    /** A per-channel vector [C] shaped [C, 1, ...] to broadcast over an NC... tensor of {@code rank}. */
    private static Value perChannel(OnnxNode n, Operand v, int rank) {
        List<Dim> dims = new ArrayList<>();
        dims.add(v.type.shape().dim(0));
        for (int i = 2; i < rank; i++) {
            dims.add(Dim.of(1));
        }
        Shape s = new Shape(dims);
        if (v.data != null) {
            return n.constantOrWeight(
                    v.name + ".per_channel", NdArray.of(v.data.dtype(), s.sizes(), v.data.toDoubles()));
        }
        return n.b.reshape(n.materialize(v), s);
    }

    private static List<Operand> pool(OnnxNode n, PoolKind kind) {
        Value x = n.value(0);
        long[] kernel = n.attrInts("kernel_shape");
        if (kernel == null || kernel.length != 2) {
            throw n.error("kernel_shape must give 2 sizes for a 2-D pool, found " + java.util.Arrays.toString(kernel));
        }
        Window win = window(n, x.type().shape(), kernel);
        if (win.dilations()[0] != 1 || win.dilations()[1] != 1) {
            throw n.error("dilations other than 1 are not supported for pooling");
        }
        if (n.attrInt("storage_order", 0) != 0) {
            throw n.error("storage_order 1 (column-major indices) is not supported");
        }
        List<Long> pad = new ArrayList<>(win.padding());
        boolean padded = pad.stream().anyMatch(p -> p != 0);
        if (kind == PoolKind.AVG && padded && n.attrInt("count_include_pad", 0) == 0) {
            throw n.error("an average pool with padding and count_include_pad = 0 is not supported (the IR's"
                    + " average counts the padding)");
        }
        if (n.attrInt("ceil_mode", 0) != 0) {
            if (kind == PoolKind.AVG) {
                throw n.error("ceil_mode 1 is supported for MaxPool only");
            }
            ceilPadding(n, x.type().shape(), win, pad);
        }
        return n.result(n.b.add(new Pool2d(kind, list(kernel), list(win.strides()), pad), x));
    }

    /** ceil_mode: more padding at the end so the floor of the IR's output size is ONNX's ceiling. */
    private static void ceilPadding(OnnxNode n, Shape x, Window win, List<Long> pad) {
        for (int a = 0; a < 2; a++) {
            Dim d = x.dim(2 + a);
            if (!d.isStatic()) {
                throw n.error("ceil_mode 1 needs a static size, found " + d);
            }
            long span = d.size() + pad.get(2 * a) + pad.get(2 * a + 1) - win.kernel()[a];
            long extra = (win.strides()[a] - span % win.strides()[a]) % win.strides()[a];
            pad.set(2 * a + 1, pad.get(2 * a + 1) + extra);
        }
    }

    private static List<Operand> globalPool(OnnxNode n, boolean mean) {
        Value x = n.value(0);
        int rank = x.type().rank();
        List<Integer> axes = new ArrayList<>();
        List<Dim> dims = new ArrayList<>();
        for (int i = 2; i < rank; i++) {
            axes.add(i);
            dims.add(x.type().shape().dim(i));
        }
        Value y = n.b.reduce(mean ? ReduceFn.SUM : ReduceFn.MAX, x, true, axes.toArray(Integer[]::new));
        if (mean) {
            Dim count = SymbolicShapes.product(dims);
            if (count == null || !count.isStatic()) {
                throw n.error("a global average over the symbolic dims " + dims
                        + " is not supported (fix the input's dims at import)");
            }
            y = n.b.binary(BinaryFn.DIV, y, n.b.scalar(x.type().dtype(), count.size()));
        }
        return n.result(y);
    }

    /** y = (x - mean) / sqrt(var + epsilon) * scale + bias, per channel (axis 1). */
    private static List<Operand> batchNorm(OnnxNode n) {
        if (n.attrInt("training_mode", 0) != 0) {
            throw n.error("training_mode is 1; Javelin imports BatchNormalization for inference only");
        }
        Value x = n.value(0);
        int rank = x.type().rank();
        double eps = n.attrFloat("epsilon", 1e-5f);
        Operand scale = n.in(1);
        Operand bias = n.in(2);
        Operand mean = n.in(3);
        Operand var = n.in(4);
        if (scale.data != null && bias.data != null && mean.data != null && var.data != null) {
            int c = scale.data.size();
            NdArray a = NdArray.zeros(x.type().dtype(), c);
            NdArray b = NdArray.zeros(x.type().dtype(), c);
            for (int i = 0; i < c; i++) {
                double k = scale.data.get(i) / Math.sqrt(var.data.get(i) + eps);
                a.set(i, x.type().dtype().round(k));
                b.set(i, x.type().dtype().round(bias.data.get(i) - mean.data.get(i) * k));
            }
            Value y = n.b.binary(BinaryFn.MUL, x, perChannel(n, Operand.ofData(scale.name + ".folded", a), rank));
            return n.result(n.b.binary(BinaryFn.ADD, y, perChannel(n, Operand.ofData(bias.name + ".folded", b), rank)));
        }
        DType d = x.type().dtype();
        Value centered = n.b.binary(BinaryFn.SUB, x, perChannel(n, mean, rank));
        Value std = n.b.unary(
                dev.javelin.ir.op.UnaryFn.SQRT, n.b.binary(BinaryFn.ADD, perChannel(n, var, rank), n.b.scalar(d, eps)));
        Value y = n.b.binary(BinaryFn.MUL, n.b.binary(BinaryFn.DIV, centered, std), perChannel(n, scale, rank));
        return n.result(n.b.binary(BinaryFn.ADD, y, perChannel(n, bias, rank)));
    }
}
