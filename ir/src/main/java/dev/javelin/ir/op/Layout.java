package dev.javelin.ir.op;

import dev.javelin.ir.type.Shape;
import java.util.List;
import java.util.Locale;

/**
 * How a 4-D image tensor is laid out: {@code NCHW} (the graph's default; filters {@code [O, C/groups,
 * KH, KW]}) or {@code NHWC} (channels last; filters {@code [O, KH, KW, C/groups]}), the layout many
 * CPU kernels prefer. The same permutation takes both an NHWC activation and an OHWI filter to
 * NCHW/OIHW: the last axis moves to position 1.
 */
public enum Layout {
    NCHW,
    NHWC;

    /** The word the text form uses ({@code layout=nhwc}). */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The permutation that takes a 4-D tensor in this layout to NCHW (result axis d = operand axis perm[d]). */
    public List<Integer> toNchw() {
        return this == NCHW ? List.of(0, 1, 2, 3) : List.of(0, 3, 1, 2);
    }

    /** The permutation that takes an NCHW tensor to this layout. */
    public List<Integer> fromNchw() {
        return this == NCHW ? List.of(0, 1, 2, 3) : List.of(0, 2, 3, 1);
    }

    /** A 4-D shape in this layout as NCHW; other ranks unchanged (the op's checks report them). */
    public Shape toNchw(Shape s) {
        return s.rank() == 4 ? permute(s, toNchw()) : s;
    }

    /** An NCHW 4-D shape in this layout. */
    public Shape fromNchw(Shape s) {
        return s.rank() == 4 ? permute(s, fromNchw()) : s;
    }

    private static Shape permute(Shape s, List<Integer> perm) {
        return new Shape(perm.stream().map(s::dim).toList());
    }
}
