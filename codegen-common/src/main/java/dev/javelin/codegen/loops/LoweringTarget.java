package dev.javelin.codegen.loops;

import dev.javelin.ir.graph.Node;
import dev.javelin.ir.plan.Plan;
import dev.javelin.ir.type.DType;

/** What a backend tells {@link KernelBuilder}: where buffers live, how to get scratch and constants, its heavy ops. */
public interface LoweringTarget {
    public Plan plan();

    /** The program-memory layout of the plan's buffers. */
    public MemoryLayout memory();

    /** The dense place of a plan buffer in the program memory. */
    public Place place(String buffer);

    /** A new scratch tensor of {@code numel(shape)} elements. */
    public Ref scratch(DType t, long[] shape);

    /** A constant tensor holding {@code values} rounded to {@code t}. */
    public Ref constant(DType t, double[] values);

    /**
     * Lowers a heavy node (matmul, convolution, pooling, gather, scatter-add, arg-max) into stages
     * added through {@code kb}, storing its result at {@code out}; returns where the result is.
     */
    public Place heavy(Node n, Place out, KernelBuilder kb);

    /** The dense place of a plan buffer as the kernel that writes it stores it. */
    default Place produced(String buffer) {
        Place p = place(buffer);
        return new Place(p.ref().asProduced(), p.base(), p.shape(), p.strides());
    }
}
