package dev.javelin.passes.lower;

import dev.javelin.ir.op.ArgMax;
import dev.javelin.ir.op.Assign;
import dev.javelin.ir.op.Binary;
import dev.javelin.ir.op.Broadcast;
import dev.javelin.ir.op.Cast;
import dev.javelin.ir.op.Concat;
import dev.javelin.ir.op.Constant;
import dev.javelin.ir.op.Conv2d;
import dev.javelin.ir.op.Conv2dBackpropFilter;
import dev.javelin.ir.op.Conv2dBackpropInput;
import dev.javelin.ir.op.Gather;
import dev.javelin.ir.op.Input;
import dev.javelin.ir.op.Iota;
import dev.javelin.ir.op.MatMul;
import dev.javelin.ir.op.Op;
import dev.javelin.ir.op.Pad;
import dev.javelin.ir.op.Parameter;
import dev.javelin.ir.op.Permute;
import dev.javelin.ir.op.Pool2d;
import dev.javelin.ir.op.Pool2dBackprop;
import dev.javelin.ir.op.RandomOp;
import dev.javelin.ir.op.Reduce;
import dev.javelin.ir.op.Reshape;
import dev.javelin.ir.op.ScatterAdd;
import dev.javelin.ir.op.Select;
import dev.javelin.ir.op.Slice;
import dev.javelin.ir.op.Unary;

/** How fusion and lowering see an op. */
public enum OpClass {
    /** An input or a parameter: a buffer, never computed. */
    SOURCE,
    /** An assign: a binding, never computed. */
    ASSIGN,
    /** A literal, copied into every body that uses it. */
    CONSTANT,
    /**
     * An index map over one operand (reshape, broadcast, permute, slice): nothing computed, so it
     * can be folded into each kernel that reads it.
     */
    VIEW,
    /** iota: a value computed from the index alone, folded like a view. */
    GENERATOR,
    /** One output element from the same element of each operand (after broadcasting); random draws. */
    ELEMENTWISE,
    /** reduce and argmax. */
    REDUCTION,
    /**
     * Ops with their own loop structure (contractions, convolutions, pooling, gather, scatter-add,
     * pad, concat): at most one per kernel, with a pointwise epilogue.
     */
    HEAVY;

    public static OpClass of(Op op) {
        return switch (op) {
            case Input _, Parameter _ -> SOURCE;
            case Assign _ -> ASSIGN;
            case Constant _ -> CONSTANT;
            case Reshape _, Broadcast _, Permute _, Slice _ -> VIEW;
            case Iota _ -> GENERATOR;
            case Unary _, Binary _, Select _, Cast _, RandomOp _ -> ELEMENTWISE;
            case Reduce _, ArgMax _ -> REDUCTION;
            case MatMul _,
                    Conv2d _,
                    Conv2dBackpropInput _,
                    Conv2dBackpropFilter _,
                    Pool2d _,
                    Pool2dBackprop _,
                    Gather _,
                    ScatterAdd _,
                    Pad _,
                    Concat _ -> HEAVY;
        };
    }
}
