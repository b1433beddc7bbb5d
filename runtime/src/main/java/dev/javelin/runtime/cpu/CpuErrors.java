package dev.javelin.runtime.cpu;

import dev.javelin.JavelinException;

/** Errors generated kernels raise on bad data, with the node and the position at fault. */
public final class CpuErrors {
    private CpuErrors() {}

    public static JavelinException indexOutOfRange(String node, long index, int position, long size) {
        return new JavelinException("index " + index + " at position " + position + " of the indices of " + node
                + " is out of range [0, " + size + ")");
    }
}
