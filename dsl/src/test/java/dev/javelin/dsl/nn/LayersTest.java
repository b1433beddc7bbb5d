package dev.javelin.dsl.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.javelin.dsl.Mode;
import dev.javelin.dsl.Net;
import dev.javelin.dsl.Tensor;
import dev.javelin.ir.interp.Interpreter;
import dev.javelin.ir.type.DType;
import dev.javelin.ir.value.NdArray;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LayersTest {

    static NdArray dropout(Mode mode, long step) {
        Net net = new Net("d", mode);
        Tensor x = net.input("x", DType.F32, "batch", 1000);
        net.output("y", new Dropout(0.25, 9).forward(x));
        Map<String, NdArray> feeds = new HashMap<>();
        double[] ones = new double[2000];
        Arrays.fill(ones, 1);
        feeds.put("x", NdArray.of(DType.F32, new long[] {2, 1000}, ones));
        if (mode == Mode.TRAIN) {
            feeds.put("step", NdArray.ofLongs(DType.I64, new long[0], step));
        }
        return Interpreter.run(net.build(), feeds).outputs().get("y");
    }

    @Test
    void dropoutZeroesAFractionAndRescalesInTrainingOnly() {
        NdArray y = dropout(Mode.TRAIN, 0);
        long zeros = 0;
        for (double v : y.toDoubles()) {
            assertTrue(v == 0 || Math.abs(v - 1 / 0.75) < 1e-6, "kept values are scaled by 1/(1-p): " + v);
            zeros += v == 0 ? 1 : 0;
        }
        assertEquals(500, zeros, 60, "about a quarter of 2000 dropped");
        assertEquals(y, dropout(Mode.TRAIN, 0), "same step, same mask");
        assertNotEquals(y, dropout(Mode.TRAIN, 1), "the step counter changes the mask");
        for (double v : dropout(Mode.EVAL, 0).toDoubles()) {
            assertEquals(1.0, v, "identity in evaluation");
        }
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.0));
    }

    @Test
    void embeddingLooksUpRowsAndRejectsFloatIds() {
        Net net = new Net("e");
        Embedding emb = net.module(new Embedding(5, 3));
        Tensor ids = net.input("ids", DType.I64, "batch", 2);
        net.output("v", emb.forward(ids));
        Map<String, NdArray> feeds = new HashMap<>(net.initialValues(4));
        feeds.put("ids", NdArray.ofLongs(DType.I64, new long[] {1, 2}, 4, 0));
        NdArray v = Interpreter.run(net.build(), feeds).outputs().get("v");
        NdArray table = feeds.get("weight");
        assertArrayEquals(new long[] {1, 2, 3}, v.shape());
        for (int j = 0; j < 3; j++) {
            assertEquals(table.get(12 + j), v.get(j));
            assertEquals(table.get(j), v.get(3 + j));
        }
        Tensor x = net.input("x", DType.F32, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> emb.forward(x));
        assertEquals("Embedding expects integer ids, found f32[2]", e.getMessage());
    }

    @Test
    void layerAndConvolutionMismatchesNameWhatWasExpected() {
        Net net = new Net("m");
        Tensor img = net.input("img", DType.F32, "batch", 3, 8, 8);
        Conv2d conv = net.module("conv", new Conv2d(1, 4, 3));
        assertEquals(
                "Conv2d expects [N, 1, H, W] input, found f32[batch,3,8,8]",
                assertThrows(IllegalArgumentException.class, () -> conv.forward(img))
                        .getMessage());
        LayerNorm ln = net.module("ln", new LayerNorm(4));
        assertEquals(
                "LayerNorm[4] expects input ending in [4], found f32[batch,3,8,8]",
                assertThrows(IllegalArgumentException.class, () -> ln.forward(img))
                        .getMessage());
        BatchNorm2d bn = net.module("bn", new BatchNorm2d(4));
        assertEquals(
                "BatchNorm2d(4) expects [N, 4, H, W] input, found f32[batch,3,8,8]",
                assertThrows(IllegalArgumentException.class, () -> bn.forward(img))
                        .getMessage());
    }
}
