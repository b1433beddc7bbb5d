package dev.javelin.ir.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.javelin.ir.graph.Graph;
import dev.javelin.ir.graph.Node;
import dev.javelin.ir.graph.Output;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.type.TensorType;
import dev.javelin.ir.value.NdArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Literal arrays and one-node graphs for the interpreter tests. */
final class Support {
    private Support() {}

    static long[] shape(long... dims) {
        return dims;
    }

    /** TensorType.of(d, 2L, 3L) would be ambiguous between its long... and Object... overloads. */
    static TensorType type(DType d, long... dims) {
        return TensorType.of(d, dims);
    }

    static NdArray f64(long[] shape, double... v) {
        return NdArray.of(DType.F64, shape, v);
    }

    static NdArray f32(long[] shape, double... v) {
        return NdArray.of(DType.F32, shape, v);
    }

    static NdArray bool(long[] shape, double... v) {
        return NdArray.of(DType.BOOL, shape, v);
    }

    static NdArray i32(long[] shape, long... v) {
        return NdArray.ofLongs(DType.I32, shape, v);
    }

    static NdArray i64(long[] shape, long... v) {
        return NdArray.ofLongs(DType.I64, shape, v);
    }

    /**
     * A graph {@code y = op(a0, a1, ...)} whose inputs have the arrays' types; nodes carry no source
     * location, so error messages are exact. Node names: a0, a1, ... and y.
     */
    static Graph oneNode(Op op, NdArray... args) {
        List<Node> nodes = new ArrayList<>();
        List<TensorType> types = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            TensorType t = args[i].type();
            nodes.add(new Node("a" + i, new Input(t), List.of(), t));
            types.add(t);
            names.add("a" + i);
        }
        nodes.add(new Node("y", op, names, op.infer(types)));
        return new Graph("t", nodes, List.of(new Output("y", "y")));
    }

    static Map<String, NdArray> feeds(NdArray... args) {
        Map<String, NdArray> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            m.put("a" + i, args[i]);
        }
        return m;
    }

    /** The value of {@code op} applied to the arguments. */
    static NdArray eval(Op op, NdArray... args) {
        return Interpreter.run(oneNode(op, args), feeds(args)).outputs().get("y");
    }

    /** The message of the InterpreterException that evaluating {@code op} throws. */
    static String evalError(Op op, NdArray... args) {
        return assertThrows(InterpreterException.class, () -> eval(op, args)).getMessage();
    }

    /** Same dtype, shape and elements (NaN equals NaN, -0.0 differs from 0.0). */
    static void assertArray(NdArray expected, NdArray actual) {
        assertEquals(expected, actual);
    }

    /** Same dtype and shape, elements within {@code rel} relative (or absolute, near zero) error. */
    static void assertClose(NdArray expected, NdArray actual, double rel) {
        assertEquals(expected.type(), actual.type());
        for (int i = 0; i < expected.size(); i++) {
            double e = expected.get(i);
            double a = actual.get(i);
            if (Double.isNaN(e) || Double.isInfinite(e)) {
                assertEquals(e, a, "element " + i);
            } else {
                assertEquals(e, a, rel * Math.max(1, Math.abs(e)), "element " + i + " of " + actual);
            }
        }
    }

    static void assertShape(long[] expected, NdArray actual) {
        assertArrayEquals(expected, actual.shape());
    }
}
