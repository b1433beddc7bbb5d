package dev.javelin.compiler.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.javelin.codegen.cuda.CudaCodegen;
import dev.javelin.codegen.simd.CpuCodegen;
import dev.javelin.compiler.KernelKinds;
import dev.javelin.passes.pipeline.PassOptions;
import dev.javelin.passes.pipeline.Pipeline;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Golden tests of the kernel IR's text form: what each backend lowers a fused kernel to. */
class KernelTextTest {
    private static String cpu(dev.javelin.ir.graph.Graph g) {
        return CpuCodegen.kernelText(
                Pipeline.compile(g, Map.of(), PassOptions.verifying()).plan());
    }

    private static String cuda(dev.javelin.ir.graph.Graph g) {
        return CudaCodegen.kernelText(
                Pipeline.compile(g, Map.of(), PassOptions.verifying()).plan());
    }

    /**
     * Softmax of 4 rows of 8 is one kernel. The input comes first in memory (elements 0-31), then
     * the arena zone: the output at element 64, the row maximum and sum as scratch above it. On the
     * CPU exp(x - max) is stored once, into the output, which the division then overwrites element
     * by element.
     */
    @Test
    void softmaxOnTheCpu() {
        assertEquals("""
                kernel k0_reduce_max_sub_exp_reduce_sum_and1 (reduction)
                  stage 0: reduce [4, 8] over (1)
                    e0 = m.f32[8 * v0 + v1]
                    m.f32[128 + v0] max= e0
                  stage 1: loop [4, 8]
                    e0 = m.f32[8 * v0 + v1]
                    e1 = m.f32[128 + v0]
                    e2 = sub(e0, e1)
                    e3 = exp(e2)
                    m.f32[64 + 8 * v0 + v1] = e3
                  stage 2: reduce [4, 8] over (1)
                    e0 = m.f32[64 + 8 * v0 + v1]
                    m.f32[192 + v0] sum= e0
                  stage 3: loop [4, 8]
                    e0 = m.f32[64 + 8 * v0 + v1]
                    e1 = m.f32[192 + v0]
                    e2 = div(e0, e1)
                    m.f32[64 + 8 * v0 + v1] = e2
                """, cpu(KernelKinds.softmax(4, 8)));
    }

    /** On CUDA the exponential is recomputed where the division reads it (no round trip to memory). */
    @Test
    void softmaxOnCuda() {
        assertEquals("""
                kernel k0_reduce_max_sub_exp_reduce_sum_and1 (reduction)
                  stage 0: reduce [4, 8] over (1)
                    e0 = mf.f32[8 * v0 + v1]
                    mf.f32[128 + v0] max= e0
                  stage 1: reduce [4, 8] over (1)
                    e0 = mf.f32[8 * v0 + v1]
                    e1 = mf.f32[128 + v0]
                    e2 = sub(e0, e1)
                    e3 = exp(e2)
                    mf.f32[192 + v0] sum= e3
                  stage 2: loop [4, 8]
                    e0 = mf.f32[8 * v0 + v1]
                    e1 = mf.f32[128 + v0]
                    e2 = sub(e0, e1)
                    e3 = exp(e2)
                    e4 = mf.f32[192 + v0]
                    e5 = div(e3, e4)
                    mf.f32[64 + 8 * v0 + v1] = e5
                """, cuda(KernelKinds.softmax(4, 8)));
    }

    /**
     * Momentum SGD of two parameters and a scale of a third (p, v, q at elements 0, 16, 32; the
     * gradient input at 48). Every new value is written into its parameter's own memory: v's new
     * value (also an output) in its own kernel, then the multi-tensor update, one loop per group of
     * writes with common reads, each loop reading the element it overwrites, so nothing is copied.
     */
    @Test
    void multiTensorUpdate() {
        assertEquals("""
                kernel k0_mul_add (pointwise)
                  stage 0: loop [3, 5]
                    e0 = m.f32[16 + 5 * v0 + v1]
                    e1 = mul(e0, 0.8999999761581421.f32)
                    e2 = m.f32[48 + 5 * v0 + v1]
                    e3 = add(e1, e2)
                    m.f32[16 + 5 * v0 + v1] = e3
                kernel k1_mul_sub_mul (multi_tensor)
                  stage 0: loop [3, 5]
                    e0 = m.f32[5 * v0 + v1]
                    e1 = m.f32[16 + 5 * v0 + v1]
                    e2 = mul(e1, 0.10000000149011612.f32)
                    e3 = sub(e0, e2)
                    m.f32[5 * v0 + v1] = e3
                  stage 1: loop [5]
                    e0 = m.f32[32 + v0]
                    e1 = mul(e0, 0.5.f32)
                    m.f32[32 + v0] = e1
                """, cpu(KernelKinds.update(3, 5)));
    }

    /**
     * A projection with a bias, then the heads split out and moved forward (attention's [batch, seq,
     * heads x dim] to [batch, heads, seq, dim]): a reshape that only splits a dimension keeps the sum
     * lazy, its index {@code 4 * i1 + i3} affine, so the bias is added where the permuted result is
     * stored. One loop after the product, no scratch copy of the sum.
     */
    @Test
    void splitReshapeStaysLazy() {
        var g = new dev.javelin.ir.graph.GraphBuilder("heads");
        var x = g.input("x", dev.javelin.ir.type.TensorType.of(dev.javelin.ir.type.DType.F32, 2, 3, 8));
        var w = g.parameter("w", dev.javelin.ir.type.TensorType.of(dev.javelin.ir.type.DType.F32, 8, 8));
        var b = g.parameter("b", dev.javelin.ir.type.TensorType.of(dev.javelin.ir.type.DType.F32, 8));
        var sum = g.binary(dev.javelin.ir.op.BinaryFn.ADD, g.matmul(x, w), b);
        var heads = g.reshape(sum, dev.javelin.ir.type.Shape.of(2, 3, 2, 4));
        g.output("y", g.permute(heads, 0, 2, 1, 3));
        assertEquals("""
                kernel k0_matmul_add_permute (contraction)
                  stage 0: custom: %0 = matmul
                  stage 1: loop [2, 2, 3, 4]
                    e0 = m.f32[192 + 24 * v0 + 4 * v1 + 8 * v2 + v3]
                    e1 = m.f32[112 + 4 * v1 + v3]
                    e2 = add(e0, e1)
                    m.f32[128 + 24 * v0 + 12 * v1 + 4 * v2 + v3] = e2
                """, cpu(g.build()));
    }
}
