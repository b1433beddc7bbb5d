package dev.javelin.codegen.loops;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.kernel.MemoryLayout;
import dev.javelin.ir.kernel.Place;
import dev.javelin.ir.kernel.Ref;
import dev.javelin.ir.kernel.UnsupportedKernelException;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.type.DType;

/** What a backend tells {@link KernelBuilder}: where buffers live, how to get scratch and constants, its heavy ops. */
public interface LoweringTarget {
    public Plan plan();

    /** The program-memory layout of the plan's buffers. */
    public MemoryLayout memory();

    /** The dense place of a plan buffer in the program memory. */
    public Place place(String buffer);

    /**
     * A new dense scratch tensor for the kernel being lowered, in the program memory where {@link
     * MemoryLayout#scratch} puts it (live only during that kernel).
     */
    public Place scratch(DType t, long[] shape);

    /** The values of every constant array made so far, by array name (for the kernel IR's interpreter). */
    public java.util.Map<String, double[]> constants();

    /** A constant tensor holding {@code values} rounded to {@code t}. */
    public Ref constant(DType t, double[] values);

    /**
     * Lowers a heavy node (matmul, convolution, pooling, gather, scatter-add, arg-max) into stages
     * added through {@code kb}, storing its result at {@code out}; returns where the result is.
     */
    public Place heavy(Node n, Place out, KernelBuilder kb);

    /**
     * Lowers an attention kernel ({@code Kernel.Kind.ATTENTION}; {@link AttentionParts} names its
     * operands, which {@link KernelBuilder#place} finds) into stages added through {@code kb}, storing
     * the product at {@code out}. A backend without an attention template refuses it here, so a plan
     * made for another target fails by name instead of computing something else.
     */
    default void attention(AttentionParts parts, Place out, KernelBuilder kb) {
        throw new UnsupportedKernelException("this backend has no attention template (%"
                + parts.scores().name() + " .. %" + parts.product().name()
                + "); compile the graph with this target's fusion veto, which keeps the three kernels");
    }

    /**
     * Whether an element expression with a costly function in it (exp, log, tanh, sigmoid, erf,
     * sin, cos, pow) that a reduction reads and a later node of the same kernel reads again is
     * stored once rather than computed in both loops (softmax's {@code exp(x - max)}, read by the
     * sum and by the division). Worth it where such a function costs more than one more pass over
     * data in cache (the CPU); not where recomputing is cheaper than a round trip through memory (a
     * GPU).
     */
    default boolean storesCostlyReductionInputs() {
        return false;
    }

    /** The dense place of a plan buffer as the kernel that writes it stores it. */
    default Place produced(String buffer) {
        Place p = place(buffer);
        return new Place(p.ref().asProduced(), p.base(), p.shape(), p.strides());
    }
}
