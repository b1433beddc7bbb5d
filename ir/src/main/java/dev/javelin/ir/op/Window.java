package dev.javelin.ir.op;

import dev.javelin.ir.type.Dim;
import java.util.List;

/** Output extent arithmetic shared by convolution and pooling windows. */
final class Window {
    private Window() {}

    /** {@code floor((in + padLo + padHi - dilation*(k-1) - 1) / stride) + 1}, or an error if the window does not fit. */
    static long outSize(String op, String axis, Dim in, long k, long stride, long dilation, long padLo, long padHi) {
        if (!in.isStatic()) {
            throw new OpTypeError(op + " needs a static " + axis + " extent, found symbolic '" + in + "'");
        }
        long span = dilation * (k - 1) + 1;
        long padded = in.size() + padLo + padHi;
        if (padded < span) {
            throw new OpTypeError(op + " window of " + span + " does not fit the padded " + axis + " extent " + padded);
        }
        return (padded - span) / stride + 1;
    }

    static void sizes(List<Long> v, int n, String what) {
        if (v.size() != n) {
            throw new OpTypeError(what + " needs " + n + " values, found " + v);
        }
    }
}
